using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Storage;
using GrpcStatus = Grpc.Core.Status;
using RpcStatus = Google.Rpc.Status;

namespace Oms.Gateway.Errors;

/// <summary>
/// Maps exceptions thrown while serving a call to gRPC statuses. Cluster failover and unavailability become
/// UNAVAILABLE (safe to retry: submits are idempotent by client order id), bad requests INVALID_ARGUMENT with a
/// <c>google.rpc.BadRequest</c> detail, unknown accounts NOT_FOUND; anything unexpected INTERNAL without internals.
/// </summary>
public static class GrpcErrorMapper
{
    /// <summary>Maps <paramref name="exception"/>; <paramref name="unexpected"/> tells whether it is a bug worth an error log.</summary>
    public static RpcException Map(Exception exception, bool callCancelled, out bool unexpected)
    {
        unexpected = false;
        switch (exception)
        {
            case RpcException rpc:
                return rpc;
            case RequestValidationException validation:
                return InvalidArgument(validation);
            case AccountNotFoundException notFound:
                return new RpcException(new GrpcStatus(StatusCode.NotFound, notFound.Message));
            case DomainException domain:
                return new RpcException(new GrpcStatus(StatusCode.InvalidArgument, domain.Message));
            case OperationCanceledException when callCancelled:
                return new RpcException(new GrpcStatus(StatusCode.Cancelled, "the call was cancelled by the client"));
        }

        if (IsTransient(exception))
        {
            return new RpcException(new GrpcStatus(StatusCode.Unavailable,
                $"the OMS cluster is temporarily unavailable ({exception.GetType().Name}); retry the call"));
        }

        unexpected = true;
        return new RpcException(new GrpcStatus(StatusCode.Internal, "internal error; the server log has the details"));
    }

    /// <summary>
    /// Whether the exception is a transient cluster condition (silo lost, message rejected during failover,
    /// connection failure, call timeout, activation moved while writing state) after which a retry can succeed.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        SiloUnavailableException => true,
        OrleansMessageRejectionException => true,
        ConnectionFailedException => true,
        GatewayTooBusyException => true,
        ClientNotAvailableException => true,
        OrleansLifecycleCanceledException => true,
        InconsistentStateException => true,
        TimeoutException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsTransient),
        _ => false,
    };

    private static RpcException InvalidArgument(RequestValidationException validation)
    {
        var badRequest = new BadRequest();
        foreach (var violation in validation.Violations)
        {
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = violation.Field, Description = violation.Description });
        }
        var status = new RpcStatus
        {
            Code = (int)Code.InvalidArgument,
            Message = validation.Message,
            Details = { Any.Pack(badRequest) },
        };
        return status.ToRpcException();
    }
}
