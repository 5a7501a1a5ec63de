using Elsa.Sim.Core;

namespace Elsa.Sim.Hosting.Workers;

/// <summary>Makes handlers with their public parameterless constructor, for a consumer used without dependency injection.</summary>
internal sealed class ActivatorHandlerFactory(Type handlerType) : IMessageHandlerFactory
{
    public Type HandlerType => handlerType;

    public IMessageHandler Create() => (IMessageHandler)Activator.CreateInstance(handlerType)!;
}
