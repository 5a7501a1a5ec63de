using Elsa.Sim.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Elsa.Sim.Hosting.Workers;

/// <summary>Makes handlers through dependency injection: constructor parameters come from the container, so a handler may
/// take an <c>ILogger&lt;T&gt;</c>, its own services, or the <see cref="ElsaConsumer"/> to ack later.</summary>
internal sealed class ServiceProviderHandlerFactory(IServiceProvider services, Type handlerType) : IMessageHandlerFactory
{
    // Compiled once: a worker starts per partition and per restart.
    private readonly ObjectFactory _factory = ActivatorUtilities.CreateFactory(handlerType, Type.EmptyTypes);

    public Type HandlerType => handlerType;

    public IMessageHandler Create() => (IMessageHandler)_factory(services, null);
}
