using BenchmarkDotNet.Attributes;
using Elsa.Sim.Core;

namespace Elsa.Sim.Benchmarks.Core;

/// <summary>A rebalance of 256 and of 4,096 partitions: assigning them (with every assignment callback answered) and
/// revoking them (with every worker stop confirmed), against filling and clearing a plain dictionary of as many offsets.
/// The two sizes show how each grows: 16 times the partitions should cost about 16 times (times a log) as much.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RebalanceBenchmarks
{
    private readonly GroupMachine _machine = new(GroupStates.Config);
    private readonly Dictionary<TopicPartitionId, long> _offsets = [];
    private GroupState _running = GroupState.Initial;

    [Params(256, 4_096)]
    public int Partitions { get; set; }

    [GlobalSetup]
    public void Setup() => _running = GroupStates.Running(_machine, Partitions, delivered: 10);

    [Benchmark(Baseline = true)]
    public int DictionaryFillAndClear()
    {
        for (var p = 0; p < Partitions; p++)
        {
            _offsets[GroupStates.Partition(p)] = p;
        }

        var count = _offsets.Count;
        _offsets.Clear();
        return count;
    }

    [Benchmark]
    public GroupState Assign() => GroupStates.Assigned(_machine, GroupState.Initial, 1, Partitions);

    [Benchmark]
    public GroupState Revoke()
    {
        var transition = _machine.Step(_running, new GroupEvent.AssignmentsRevoked(PartitionSelection.All));
        var state = transition.State;
        foreach (var stop in transition.Effects.OfType<GroupEffect.StopWorker>())
        {
            state = _machine.Step(state, new GroupEvent.WorkerStopped(stop.Worker)).State;
        }

        return state;
    }
}
