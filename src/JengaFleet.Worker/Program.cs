using JengaFleet.Worker;

var app = WorkerApplication.Build(args);
await app.RunAsync();
return Environment.ExitCode;
