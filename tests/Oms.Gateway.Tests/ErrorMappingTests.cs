using Google.Rpc;
using Grpc.Core;
using Status = Grpc.Core.Status;
using Microsoft.Extensions.Logging.Abstractions;
using Oms.Gateway.Errors;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Storage;

namespace Oms.Gateway.Tests;

/// <summary>The interceptor's mapping, with the real Orleans exception types a failover produces.</summary>
public sealed class ErrorMappingTests
{
    public static TheoryData<string> TransientFailures => new(Transient.Keys);

    private static readonly Dictionary<string, Func<Exception>> Transient = new()
    {
        ["silo unavailable"] = () => new SiloUnavailableException("silo S127.0.0.1:11111 is dead"),
        // Orleans creates this one internally only (its constructors are not public).
        ["message rejected"] = () => (Exception)Activator.CreateInstance(typeof(OrleansMessageRejectionException),
            System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic, null,
            ["forwarding failed: target silo is shutting down"], null)!,
        ["connection failed"] = () => new ConnectionFailedException("unable to connect to 127.0.0.1:11112"),
        ["gateway too busy"] = () => new GatewayTooBusyException(),
        ["call timeout"] = () => new TimeoutException("response did not arrive on time in 00:00:30"),
        ["etag conflict during failover"] = () => new InconsistentStateException("version conflict", "1", "2"),
    };

    [Theory]
    [MemberData(nameof(TransientFailures))]
    public async Task Cluster_failures_become_unavailable(string failure)
    {
        var error = await InvokeAsync(Transient[failure]());
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("retry", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validation_failures_become_invalid_argument_with_bad_request_details()
    {
        var error = await InvokeAsync(new RequestValidationException([new FieldViolation("order.quantity", "is required"), new FieldViolation("order.side", "is required")]));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("order.quantity: is required; order.side: is required", error.Status.Detail);
        var details = error.GetRpcStatus()!.GetDetail<BadRequest>()!;
        Assert.Equal(["order.quantity", "order.side"], details.FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public async Task Unknown_accounts_become_not_found()
    {
        var error = await InvokeAsync(new AccountNotFoundException(new AccountId("ghost")));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("ghost", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unexpected_errors_become_internal_without_leaking_internals()
    {
        var error = await InvokeAsync(new InvalidOperationException("connection string Password=secret"));
        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.DoesNotContain("secret", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_exceptions_pass_through_unchanged()
    {
        var original = new RpcException(new Status(StatusCode.PermissionDenied, "no"));
        var error = await InvokeAsync(original);
        Assert.Same(original, error);
    }

    [Fact]
    public void Non_transient_errors_are_not_retried()
    {
        Assert.False(GrpcErrorMapper.IsTransient(new InvalidOperationException()));
        Assert.False(GrpcErrorMapper.IsTransient(new KeyNotFoundException()));
        Assert.True(GrpcErrorMapper.IsTransient(new AggregateException(new TimeoutException(), new SiloUnavailableException())));
        Assert.False(GrpcErrorMapper.IsTransient(new AggregateException(new TimeoutException(), new ArgumentException())));
    }

    private static async Task<RpcException> InvokeAsync(Exception thrown)
    {
        var interceptor = new ErrorMappingInterceptor(NullLogger<ErrorMappingInterceptor>.Instance);
        return await Assert.ThrowsAsync<RpcException>(() =>
            interceptor.UnaryServerHandler<string, string>("request", new TestCallContext(), (_, _) => throw thrown));
    }

    private sealed class TestCallContext : ServerCallContext
    {
        protected override string MethodCore => "/oms.v1.OrderService/SubmitOrder";
        protected override string HostCore => "127.0.0.1";
        protected override string PeerCore => "ipv4:127.0.0.1:50000";
        protected override DateTime DeadlineCore => DateTime.MaxValue;
        protected override Metadata RequestHeadersCore { get; } = [];
        protected override CancellationToken CancellationTokenCore => CancellationToken.None;
        protected override Metadata ResponseTrailersCore { get; } = [];
        protected override Status StatusCore { get; set; }
        protected override WriteOptions? WriteOptionsCore { get; set; }
        protected override AuthContext AuthContextCore { get; } = new(null, []);
        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();
        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
