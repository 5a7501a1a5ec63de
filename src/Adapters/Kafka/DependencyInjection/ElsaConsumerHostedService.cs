using Elsa.Sim.Hosting;
using Elsa.Sim.Hosting.Threading;
using Microsoft.Extensions.Hosting;

namespace Elsa.Sim.Kafka.DependencyInjection;

/// <summary>Runs the registered <see cref="ElsaConsumer"/> for the host's lifetime: starts it with the host, stops it
/// gracefully (final commit, leave the group) within the host's shutdown timeout, and fails the host if the consumer
/// fails (<see cref="BackgroundService"/> reports the exception).</summary>
public sealed class ElsaConsumerHostedService(ElsaConsumer consumer) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await consumer.StartAsync(stoppingToken);
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = stoppingToken.Register(() => stopping.TrySetResult());
        // Completion throws ElsaConsumerFailedException when the consumer fails; a normal stop comes from StopAsync.
        await await TaskRace.FirstAsync(consumer.Completion, stopping.Task);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await consumer.StopAsync(cancellationToken);
        await base.StopAsync(cancellationToken);
    }
}
