using JengaFleet.Worker.Engines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace JengaFleet.Worker.Tests.Infrastructure;

/// <summary>The production worker host (<see cref="WorkerApplication"/>) started inside the test process on a free loopback port.</summary>
public sealed class InProcessWorker : IAsyncDisposable
{
    private bool _stopped;

    private InProcessWorker(WebApplication app, Uri baseAddress)
    {
        App = app;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public HttpClient Http { get; }

    public WorkerSlots Slots => App.Services.GetRequiredService<WorkerSlots>();

    public static async Task<InProcessWorker> StartAsync(IDictionary<string, string?> settings, bool waitReady = true)
    {
        var app = WorkerApplication.Build(["--urls", "http://127.0.0.1:0"], b => b.Configuration.AddInMemoryCollection(settings));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var worker = new InProcessWorker(app, new Uri(address));
        if (waitReady)
            await worker.WaitReadyAsync(TimeSpan.FromSeconds(60));
        return worker;
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            try
            {
                var response = await Http.GetAsync("/readyz", cts.Token);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, cts.Token);
        }
    }

    public async Task StopAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        await App.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Http.Dispose();
        await App.DisposeAsync();
    }
}
