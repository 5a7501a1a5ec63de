using System.Reflection;
using Elsa.Sim.Core;

namespace Elsa.Sim.Hosting.Workers;

/// <summary>Says what a handler's failure was, in the terms a user can act on: which handler type, at which stage, for which
/// partition, and the exception its own code threw, without the wrappers reflection and tasks put around it.</summary>
internal static class HandlerFailure
{
    /// <summary>The exception the handler's code threw: <see cref="TargetInvocationException"/> (a constructor called by
    /// reflection) and an <see cref="AggregateException"/> of one are unwrapped.</summary>
    public static Exception Cause(Exception exception)
    {
        while (true)
        {
            switch (exception)
            {
                case TargetInvocationException { InnerException: { } inner }:
                    exception = inner;
                    continue;
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    exception = aggregate.InnerExceptions[0];
                    continue;
                default:
                    return exception;
            }
        }
    }

    /// <summary>One line: "OrderHandler's constructor for orders/3 threw InvalidOperationException: no connection string".</summary>
    public static string Describe(Type handler, HandlerStage stage, TopicPartitionId partition, Exception exception)
    {
        var cause = Cause(exception);
        var where = stage switch
        {
            HandlerStage.Constructor => "constructor",
            HandlerStage.Init => nameof(IMessageHandler.InitAsync),
            _ => nameof(IMessageHandler.HandleMessagesAsync),
        };
        return $"{handler.Name}'s {where} for {partition} threw {cause.GetType().Name}: {cause.Message}";
    }
}

/// <summary>Where in a handler's life a failure happened.</summary>
internal enum HandlerStage
{
    Constructor,
    Init,
    Handle,
}
