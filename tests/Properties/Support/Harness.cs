using System.Collections.Immutable;

namespace Elsa.Sim.Properties.Tests.Support;

/// <summary>Drives one machine through events, checking every invariant after every step, and remembers the effects.
/// Spec tests read as a story: assign, deliver, ack, tick, and look at what the machine asked for.</summary>
internal sealed class Harness
{
    public Harness(GroupConfig? config = null)
    {
        Machine = new GroupMachine(config ?? Configs.Default());
        State = GroupState.Initial;
    }

    public GroupMachine Machine { get; }

    public GroupState State { get; private set; }

    /// <summary>Every effect emitted so far, in order.</summary>
    public List<GroupEffect> History { get; } = [];

    /// <summary>Applies an event, checks the invariants, and returns the step's effects.</summary>
    public IReadOnlyList<GroupEffect> Apply(GroupEvent @event)
    {
        var before = State;
        var transition = Machine.Step(before, @event);
        GroupInvariants.Check(before, transition);
        State = transition.State;
        History.AddRange(transition.Effects);
        return transition.Effects;
    }

    /// <summary>Assigns partitions in a generation, answers every assignment callback with ok, and returns every effect
    /// of the whole exchange.</summary>
    public IReadOnlyList<GroupEffect> Assign(int generation, params (string Topic, int Partition, long? Committed)[] partitions)
    {
        var assignments = partitions.Select(p => new Assignment(new TopicPartition(p.Topic, p.Partition), p.Committed)).ToImmutableArray();
        var effects = new List<GroupEffect>(Apply(new GroupEvent.AssignmentsReceived("member-1", generation, assignments)));
        effects.AddRange(AnswerCallbacks(effects));
        return effects;
    }

    /// <summary>Answers every assignment callback in <paramref name="effects"/> (and those they lead to) with ok.</summary>
    public IReadOnlyList<GroupEffect> AnswerCallbacks(IEnumerable<GroupEffect> effects)
    {
        var produced = new List<GroupEffect>();
        var pending = new Queue<GroupEffect>(effects);
        while (pending.TryDequeue(out var effect))
        {
            if (effect is GroupEffect.InvokeAssignmentReceived invoke)
            {
                foreach (var next in Apply(new GroupEvent.AssignmentHandlerReturned(invoke.Partition, invoke.GenerationId, CallbackOutcome.Ok)))
                {
                    produced.Add(next);
                    pending.Enqueue(next);
                }
            }
        }

        return produced;
    }

    /// <summary>The live worker of a partition.</summary>
    public WorkerId WorkerOf(string topic, int partition) =>
        State.Partitions[new TopicPartition(topic, partition)].Worker ?? throw new InvalidOperationException($"{topic}/{partition} has no live worker");

    /// <summary>Tells the machine the partition's live worker received offsets first..last.</summary>
    public IReadOnlyList<GroupEffect> Deliver(string topic, int partition, long first, long last) =>
        Apply(new GroupEvent.MessagesDelivered(WorkerOf(topic, partition), first, last));
}

/// <summary>Configurations the tests start from.</summary>
internal static class Configs
{
    public static GroupConfig Default(bool directAck = false) => new()
    {
        Group = "group-1",
        Topics = ValueList.Of("orders", "payments"),
        DirectAck = directAck,
        Config = new ConsumerConfig { BeginOffset = StartPosition.Earliest },
    };
}
