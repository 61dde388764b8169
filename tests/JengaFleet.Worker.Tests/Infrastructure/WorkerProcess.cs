using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace JengaFleet.Worker.Tests.Infrastructure;

/// <summary>The worker as its own OS process (JengaFleet.Worker.dll), configured through environment variables — so that a test can kill it.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WorkerProcess(Process process, int port)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public HttpClient Http { get; }

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public static WorkerProcess Start(IDictionary<string, string?> settings)
    {
        var port = FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "JengaFleet.Worker.dll");
        var info = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in settings)
            info.Environment[key.Replace(":", "__")] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the worker process");
        var worker = new WorkerProcess(process, port);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    public async Task WaitUntilAsync(Func<string, bool> metricsCondition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"worker process exited ({_process.ExitCode}):\n{Output}");
            try
            {
                var metrics = await Http.GetStringAsync("/metrics", cts.Token);
                if (metricsCondition(metrics))
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cts.IsCancellationRequested)
            {
            }

            try
            {
                await Task.Delay(100, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the worker process did not reach the expected state in {timeout}:\n{Output}");
            }
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, the broker sees the connection drop.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Http.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
