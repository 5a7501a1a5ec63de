using BenchmarkDotNet.Attributes;
using Elsa.Sim.Core;

namespace Elsa.Sim.Benchmarks.Core;

/// <summary>A worker crash and its restart from the last ack: the crash report, then the tick at which the backoff ends
/// and the machine starts the new worker; against removing and re-adding a dictionary entry.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class CrashRestartBenchmarks
{
    private const int Partitions = 256;
    private readonly GroupMachine _machine = new(GroupStates.Config);
    private readonly Dictionary<TopicPartitionId, long> _offsets = [];
    private GroupState _running = GroupState.Initial;
    private WorkerId _worker;

    [GlobalSetup]
    public void Setup()
    {
        _running = GroupStates.Running(_machine, Partitions, delivered: 10);
        var partition = GroupStates.Partition(Partitions / 2);
        _running = _machine.Step(_running, new GroupEvent.Acked(GroupStates.Topic, partition.Partition, 1, 5)).State;
        _worker = _running.Partitions[partition].Worker!.Value;
        for (var p = 0; p < Partitions; p++)
        {
            _offsets[GroupStates.Partition(p)] = p;
        }
    }

    [Benchmark(Baseline = true)]
    public long DictionaryRemoveAndAdd()
    {
        var partition = GroupStates.Partition(Partitions / 2);
        _offsets.Remove(partition, out var offset);
        _offsets[partition] = offset;
        return offset;
    }

    [Benchmark]
    public GroupState CrashAndRestart()
    {
        var crashed = _machine.Step(_running, new GroupEvent.WorkerExited(_worker, ExitReason.Crashed("bench"))).State;
        // The first restart waits the backoff (100 ms by default); a tick past it starts the new worker.
        return _machine.Step(crashed, new GroupEvent.Tick(crashed.NowMs + 1_000)).State;
    }
}
