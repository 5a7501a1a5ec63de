using Elsa.Sim.Core;

namespace Elsa.Sim.Hosting.Workers;

/// <summary>Makes a fresh <see cref="IMessageHandler"/> for each worker start, as Elsa starts a fresh handler process.</summary>
internal interface IMessageHandlerFactory
{
    /// <summary>The handler type it makes, to name it when it fails.</summary>
    Type HandlerType { get; }

    IMessageHandler Create();
}
