using Elsa.Sim.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Elsa.Sim.Kafka.Health;

/// <summary>The health of one named consumer, from its <see cref="ElsaConsumer.Status"/>: unhealthy (the registration's
/// failure status) when it failed, degraded when a partition is parked or has spent its restart budget, healthy
/// otherwise. The description names the consumer and says why.</summary>
internal sealed class ElsaConsumerHealthCheck(string name, ElsaConsumer? consumer) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Task.FromResult(Check(context.Registration.FailureStatus));
    }

    private HealthCheckResult Check(HealthStatus failureStatus)
    {
        if (consumer is null)
        {
            return new HealthCheckResult(failureStatus, $"no Elsa consumer named '{name}' is registered (AddElsaConsumer(\"{name}\", …))");
        }

        var status = consumer.Status;
        if (status.FailureReason is { } reason)
        {
            return new HealthCheckResult(failureStatus, $"Elsa consumer '{name}' (group {consumer.Group}) failed: {reason}");
        }

        var why = new List<string>();
        if (status.ParkedPartitions.Count > 0)
        {
            why.Add($"parked until reassigned, their restart budget spent: {string.Join(", ", status.ParkedPartitions)}");
        }

        if (status.RestartBudgetSpent.Count > 0)
        {
            why.Add($"restart budget spent (one more crash parks them or fails the group): {string.Join(", ", status.RestartBudgetSpent)}");
        }

        return why.Count > 0
            ? HealthCheckResult.Degraded($"Elsa consumer '{name}' (group {consumer.Group}) is degraded: {string.Join("; ", why)}")
            : HealthCheckResult.Healthy($"Elsa consumer '{name}' (group {consumer.Group}) is running: no partition parked or out of restarts");
    }
}
