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

    /// <summary>Applies outside input the machine must ignore: asserts that the step only emitted diagnostics, one of
    /// them of <paramref name="kind"/>, and left the state equal to what it was before. Returns the step's effects.</summary>
    public IReadOnlyList<GroupEffect> ApplyIgnored(GroupEvent @event, DiagnosticKind kind)
    {
        var before = State;
        var effects = Apply(@event);
        Assert.All(effects, e => Assert.IsType<GroupEffect.Diagnostic>(e));
        Assert.Contains(effects, e => e is GroupEffect.Diagnostic d && d.Kind == kind);
        Assert.Equal(before, State);
        return effects;
    }

    /// <summary>The coordinator assigns partitions in a generation; returns the step's effects, callbacks unanswered.</summary>
    public IReadOnlyList<GroupEffect> Receive(int generation, params (string Topic, int Partition, long? Committed)[] partitions)
    {
        var assignments = partitions.Select(p => new Assignment(Tp(p.Topic, p.Partition), p.Committed)).ToImmutableArray();
        return Apply(new GroupEvent.AssignmentsReceived("member-1", generation, assignments));
    }

    /// <summary>Assigns partitions in a generation, answers every assignment callback with ok, and returns every effect
    /// of the whole exchange.</summary>
    public IReadOnlyList<GroupEffect> Assign(int generation, params (string Topic, int Partition, long? Committed)[] partitions)
    {
        var effects = new List<GroupEffect>(Receive(generation, partitions));
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

    /// <summary>Confirms every <see cref="GroupEffect.StopWorker"/> in <paramref name="effects"/> with
    /// <see cref="GroupEvent.WorkerStopped"/>, in order, and returns the effects that produced.</summary>
    public IReadOnlyList<GroupEffect> ConfirmStops(IEnumerable<GroupEffect> effects)
    {
        var produced = new List<GroupEffect>();
        foreach (var stop in effects.OfType<GroupEffect.StopWorker>().ToList())
        {
            produced.AddRange(Apply(new GroupEvent.WorkerStopped(stop.Worker)));
        }

        return produced;
    }

    /// <summary>Time passes to <paramref name="nowMs"/>.</summary>
    public IReadOnlyList<GroupEffect> Tick(long nowMs) => Apply(new GroupEvent.Tick(nowMs));

    /// <summary>A handler acks <paramref name="offset"/> (Elsa's convention: the last message handled), as Elsa's
    /// <c>ack/5</c> does.</summary>
    public IReadOnlyList<GroupEffect> Ack(string topic, int partition, int generation, long offset) =>
        Apply(new GroupEvent.Acked(topic, partition, generation, offset));

    /// <summary>Shorthand for a topic partition.</summary>
    public static TopicPartitionId Tp(string topic, int partition) => new(topic, partition);

    /// <summary>The live worker of a partition.</summary>
    public WorkerId WorkerOf(string topic, int partition) =>
        State.Partitions[new TopicPartitionId(topic, partition)].Worker ?? throw new InvalidOperationException($"{topic}/{partition} has no live worker");

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
        Config = new ElsaConsumerConfig { BeginOffset = StartPosition.Earliest },
    };
}
