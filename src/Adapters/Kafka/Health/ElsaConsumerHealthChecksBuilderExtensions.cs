using Elsa.Sim.Kafka.Health;
using Elsa.Sim.Hosting;
using Elsa.Sim.Kafka.Options;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the health check of an Elsa consumer registered with <c>AddElsaConsumer</c>.</summary>
public static class ElsaConsumerHealthChecksBuilderExtensions
{
    /// <summary>Adds a check of the consumer named <paramref name="consumerName"/>: unhealthy when it failed, degraded when
    /// one of its partitions is parked or has spent its restart budget, healthy otherwise; the description names the
    /// consumer and why.</summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="consumerName">The name the consumer was registered under.</param>
    /// <param name="name">The check's name; default <c>elsa-consumer-</c> and the consumer's name.</param>
    /// <param name="failureStatus">The status of a failed consumer; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by.</param>
    public static IHealthChecksBuilder AddElsaConsumerHealthCheck(this IHealthChecksBuilder builder,
        string consumerName = ElsaConsumerOptions.DefaultName, string? name = null, HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(consumerName);
        return builder.Add(new HealthCheckRegistration(
            name ?? $"elsa-consumer-{consumerName}",
            provider => new ElsaConsumerHealthCheck(consumerName, provider.GetKeyedService<ElsaConsumer>(consumerName)),
            failureStatus,
            tags));
    }
}
