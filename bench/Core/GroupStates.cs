using Elsa.Sim.Core;

namespace Elsa.Sim.Benchmarks.Core;

/// <summary>Group-manager states to benchmark from, built by stepping the real machine the way a host would: assign,
/// answer every assignment callback, deliver.</summary>
internal static class GroupStates
{
    public const string Topic = "orders";

    public static GroupConfig Config { get; } = new()
    {
        Group = "bench",
        Topics = ValueList.Of(Topic),
        Config = new ElsaConsumerConfig { BeginOffset = StartPosition.Earliest },
    };

    public static TopicPartitionId Partition(int index) => new(Topic, index);

    /// <summary>A member running <paramref name="partitions"/> partitions in generation 1, each delivered offsets
    /// 0..<paramref name="delivered"/>.</summary>
    public static GroupState Running(GroupMachine machine, int partitions, long delivered)
    {
        var state = Assigned(machine, GroupState.Initial, 1, partitions);
        for (var p = 0; p < partitions; p++)
        {
            var worker = state.Partitions[Partition(p)].Worker ?? throw new InvalidOperationException($"partition {p} has no worker");
            state = machine.Step(state, new GroupEvent.MessagesDelivered(worker, 0, delivered)).State;
        }

        return state;
    }

    /// <summary>Receives an assignment of <paramref name="partitions"/> partitions and answers its callbacks.</summary>
    public static GroupState Assigned(GroupMachine machine, GroupState state, int generation, int partitions)
    {
        var assignments = Enumerable.Range(0, partitions).Select(p => new Assignment(Partition(p), null)).ToValueList();
        var transition = machine.Step(state, new GroupEvent.AssignmentsReceived("member-1", generation, assignments));
        return AnswerCallbacks(machine, transition);
    }

    /// <summary>Answers every assignment callback the transition (and those after it) asked for with ok.</summary>
    public static GroupState AnswerCallbacks(GroupMachine machine, Transition transition)
    {
        var state = transition.State;
        var pending = new Queue<GroupEffect>(transition.Effects);
        while (pending.TryDequeue(out var effect))
        {
            if (effect is GroupEffect.InvokeAssignmentReceived invoke)
            {
                var next = machine.Step(state, new GroupEvent.AssignmentHandlerReturned(invoke.Partition, invoke.GenerationId, CallbackOutcome.Ok));
                state = next.State;
                foreach (var more in next.Effects)
                {
                    pending.Enqueue(more);
                }
            }
        }

        return state;
    }
}
