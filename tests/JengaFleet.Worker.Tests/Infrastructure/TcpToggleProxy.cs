using System.Net;
using System.Net.Sockets;

namespace JengaFleet.Worker.Tests.Infrastructure;

/// <summary>
/// A loopback TCP proxy that can be switched off: while off it refuses new connections and cuts open ones, so a
/// client sees a real network outage of the server behind it.
/// </summary>
public sealed class TcpToggleProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private volatile bool _up = true;

    public TcpToggleProxy(Uri target)
    {
        _target = new IPEndPoint(IPAddress.Loopback, target.Port);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = Task.Run(AcceptLoop);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public int RefusedConnections { get; private set; }

    public void Down()
    {
        _up = false;
        lock (_open)
        {
            foreach (var c in _open)
                c.Dispose();
            _open.Clear();
        }
    }

    public void Up() => _up = true;

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            if (!_up)
            {
                RefusedConnections++;
                client.Client.LingerState = new LingerOption(true, 0); // reset, like a closed port
                client.Dispose();
                continue;
            }

            _ = Task.Run(() => Pipe(client));
        }
    }

    private async Task Pipe(TcpClient client)
    {
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(_target, _stop.Token);
            lock (_open)
            {
                _open.Add(client);
                _open.Add(upstream);
            }

            var a = client.GetStream().CopyToAsync(upstream.GetStream(), _stop.Token);
            var b = upstream.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
            await Task.WhenAny(a, b);
        }
        catch (Exception)
        {
            // a cut connection is the point
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Down();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }
    }
}
