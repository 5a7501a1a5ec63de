using Elsa.Sim.Hosting.Port;
using Elsa.Sim.PlantedBugs;
using Elsa.Sim.Simulation;

namespace Elsa.Sim.Properties.Tests.Simulation;

/// <summary>The prefetch window has one owner: it frees messages only for what the group manager accepted. An ack past
/// the batch a handler was given is refused by the manager, so it must not free the window either: otherwise the worker
/// fetches on, past the window's bound, for messages no handler has seen.</summary>
public sealed class PrefetchWindowTests
{
    [Fact]
    public void An_ack_past_the_batch_frees_nothing_so_fetching_stays_within_the_window()
    {
        var fetched = 0;
        var options = new SimulationOptions
        {
            Members = 1,
            Topics = 1,
            PartitionsPerTopic = 1,
            MessagesPerPartition = 20,
            FaultWindowMs = 1_000,
            QuietWindowMs = 5_000,
            Faults = [],
            // A window of one message and one byte: full as soon as two messages are fetched and not acknowledged.
            Pins = ConfigurationPins.None with { BeginOffset = StartPosition.Earliest, PrefetchCount = 1, PrefetchBytes = 1 },
            UserHandler = new UserHandler(() => new AcksPastItsFirstBatch(), (_, _) => (ReadOnlyMemory<byte>.Empty, new byte[100])),
            PortWrapper = port => new CountingPort(port, () => fetched++),
        };

        var result = Simulator.Run(options, seed: 1, FaultPlan.None);

        // The handler never acks anything the manager can accept, so the partition stays where the window filled.
        Assert.Equal(ViolationKinds.Liveness, result.Violation?.Kind);
        Assert.InRange(fetched, 1, 3);
    }

    /// <summary>Acks far past its first batch (a user's bug the manager refuses), then never acks again.</summary>
    private sealed class AcksPastItsFirstBatch : IMessageHandler
    {
        private bool _first = true;

        public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
        {
            var result = _first ? HandlerResult.AckAt(messages[^1].Offset + 1_000) : HandlerResult.NoAck;
            _first = false;
            return ValueTask.FromResult(result);
        }
    }

    /// <summary>Counts the messages the host fetches.</summary>
    private sealed class CountingPort(IConsumerPort inner, Action counted) : PlantedPort(inner)
    {
        public override async ValueTask<FetchedMessage?> ConsumeAsync(TimeSpan timeout)
        {
            var message = await Inner.ConsumeAsync(timeout);
            if (message is not null)
            {
                counted();
            }

            return message;
        }
    }
}
