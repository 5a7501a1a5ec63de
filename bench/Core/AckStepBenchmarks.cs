using BenchmarkDotNet.Attributes;
using Elsa.Sim.Core;

namespace Elsa.Sim.Benchmarks.Core;

/// <summary>One accepted ack (<c>ack/5</c> on one partition of many) against the cheapest thing a host could do instead:
/// store the offset in a <see cref="Dictionary{TKey, TValue}"/>. Goal: at most 100 ns and one allocation at 4,096
/// partitions, growing no faster than logarithmically.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class AckStepBenchmarks
{
    private const long Delivered = 1_000_000;
    private readonly GroupMachine _machine = new(GroupStates.Config);
    private readonly Dictionary<TopicPartitionId, long> _acked = [];
    private GroupState _state = GroupState.Initial;
    private TopicPartitionId _partition;
    private long _offset;

    [Params(16, 256, 4_096)]
    public int Partitions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _state = GroupStates.Running(_machine, Partitions, Delivered);
        _partition = GroupStates.Partition(Partitions / 2);
        for (var p = 0; p < Partitions; p++)
        {
            _acked[GroupStates.Partition(p)] = -1;
        }
    }

    [Benchmark(Baseline = true)]
    public long DictionaryUpdate()
    {
        // Wraps within what was delivered, as the machine's ack does, so both sides do the same amount of work.
        _offset = _offset == Delivered ? 0 : _offset + 1;
        _acked[_partition] = _offset;
        return _offset;
    }

    [Benchmark]
    public GroupState MachineAck()
    {
        _offset = _offset == Delivered ? 0 : _offset + 1;
        // Each ack steps from the same base state, so every one is accepted (forward, within what was delivered).
        return _machine.Step(_state, new GroupEvent.Acked(GroupStates.Topic, _partition.Partition, 1, _offset)).State;
    }

    [Benchmark]
    public GroupState MachineAckChecked()
    {
        // What the Kafka adapter's loop does per ack: the step, then every invariant over the new state.
        _offset = _offset == Delivered ? 0 : _offset + 1;
        var transition = _machine.Step(_state, new GroupEvent.Acked(GroupStates.Topic, _partition.Partition, 1, _offset));
        GroupInvariants.Check(_state, transition);
        return transition.State;
    }
}
