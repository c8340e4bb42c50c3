using System.Net;
using System.Text;

namespace Oms.Connectors.Binance.Tests.Support;

/// <summary>An <see cref="HttpMessageHandler"/> that answers with a script and records every request it saw.</summary>
internal sealed class ScriptedHandler : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _respond;

    public ScriptedHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) => _respond = respond;

    public List<HttpRequestMessage> Requests { get; } = [];

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IEnumerable<HttpRequestMessage> To(string path) => Requests.Where(r => r.RequestUri!.AbsolutePath == path);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (Requests) Requests.Add(request);
        Entered.TrySetResult();
        return _respond(request, cancellationToken);
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers) response.Headers.TryAddWithoutValidation(name, value);
        return response;
    }

    public static HttpResponseMessage Json(HttpStatusCode status, byte[] json, params (string Name, string Value)[] headers) =>
        Json(status, Encoding.UTF8.GetString(json), headers);
}
