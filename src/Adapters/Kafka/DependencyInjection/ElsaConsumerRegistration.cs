using Elsa.Sim.Hosting;
using Elsa.Sim.Kafka.Options;

namespace Elsa.Sim.Kafka.DependencyInjection;

/// <summary>One consumer registered with <c>AddElsaConsumer</c>, kept in the container so that a second registration of
/// the same name is refused instead of silently replacing the first.</summary>
/// <param name="Name">The consumer's name: the key of its <see cref="ElsaConsumer"/> and the tag of its metrics.</param>
internal sealed record ElsaConsumerRegistration(string Name)
{
    /// <summary>The name of the consumer's options. The default consumer's are the unnamed options, so that code written
    /// before consumers had names (<c>services.Configure&lt;KafkaConsumerOptions&gt;(…)</c>, <c>IOptions&lt;KafkaConsumerOptions&gt;</c>)
    /// still reaches them.</summary>
    public string OptionsName => Name == ElsaConsumerOptions.DefaultName ? Microsoft.Extensions.Options.Options.DefaultName : Name;
}
