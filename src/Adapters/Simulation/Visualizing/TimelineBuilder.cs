using System.Globalization;
using System.Text.Json;
using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>Reads a JSONL trace (as <see cref="TraceSink"/> writes it) into a <see cref="RunTimeline"/>. It reads what the
/// trace recorded, so a trace of any run can be drawn, also one whose machine the current build no longer has.</summary>
internal static class TimelineBuilder
{
    /// <summary>Builds the timeline of the trace file at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">When the file cannot be read.</exception>
    /// <exception cref="FormatException">When a line is not a trace line of this format.</exception>
    public static RunTimeline FromFile(string path) => FromLines(File.ReadLines(path));

    /// <summary>Builds the timeline of a trace's lines.</summary>
    /// <exception cref="FormatException">When a line is not a trace line of this format.</exception>
    public static RunTimeline FromLines(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var state = new Reading();
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                if (number == 1 && IsHeader(line))
                {
                    state.Read(JsonSerializer.Deserialize(line, TraceSink.Json.TraceHeader) ?? throw new JsonException("null header"));
                }
                else
                {
                    state.Read(JsonSerializer.Deserialize(line, TraceSink.Json.TraceRecord) ?? throw new JsonException("null record"));
                }
            }
            catch (JsonException e)
            {
                throw new FormatException($"trace line {number} is not a {TraceHeader.CurrentFormat} trace line: {e.Message}", e);
            }
            catch (NotSupportedException e)
            {
                throw new FormatException($"trace line {number} is not a {TraceHeader.CurrentFormat} trace line: {e.Message}", e);
            }
        }

        return state.Finish();
    }

    /// <summary>Whether a first line is a header (it names the format) rather than a record.</summary>
    private static bool IsHeader(string line)
    {
        using var document = JsonDocument.Parse(line);
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("format", out _);
    }

    /// <summary>The lane id of a partition.</summary>
    public static string PartitionLane(string partition) => $"partition:{partition}";

    /// <summary>The lane id of a member.</summary>
    public static string MemberLane(int member) => $"member:{member.ToString(CultureInfo.InvariantCulture)}";

    private sealed class Reading
    {
        private readonly Dictionary<string, (List<TimelineSpan> Spans, List<TimelineMark> Marks)> _partitions = new(StringComparer.Ordinal);
        private readonly Dictionary<int, (List<TimelineSpan> Spans, List<TimelineMark> Marks)> _members = [];
        private readonly Dictionary<(int Member, string Worker), (string Partition, long StartMs, int Generation, string Position)> _workers = [];
        private readonly Dictionary<int, (long StartMs, int Generation)> _generations = [];
        private readonly List<TimelineMark> _faults = [];
        private string _title = "simulated run";
        private int _memberCount;
        private long _endMs;
        private string _verdict = "unknown (the trace has no verdict)";
        private (long AtMs, string Text, string[] Lanes)? _violation;

        public void Read(TraceHeader header)
        {
            if (header.Format != TraceHeader.CurrentFormat)
            {
                throw new JsonException($"the trace is in the format '{header.Format}'; this build draws '{TraceHeader.CurrentFormat}'");
            }

            _memberCount = header.Options.Members;
            var handler = header.Handler is { } name ? $" · user handler '{name}'" : "";
            _title = string.Create(CultureInfo.InvariantCulture,
                $"seed {header.Seed} · machine {header.Machine}{handler} · {_memberCount} members · {header.Options.Topics} topics × {header.Options.PartitionsPerTopic} partitions");
        }

        public void Read(TraceRecord record)
        {
            var t = record.AtMs;
            _endMs = Math.Max(_endMs, t);
            switch (record)
            {
                case StepRecord step:
                    ReadEvent(t, step.Member, step.Event);
                    foreach (var effect in step.Effects)
                    {
                        ReadEffect(t, step.Member, effect);
                    }

                    break;
                case FaultRecord fault:
                    var mark = new TimelineMark(t, TimelineMarkKind.Fault, fault.Text);
                    if (fault.Partition is { } partition)
                    {
                        Partition(partition).Marks.Add(mark);
                    }
                    else if (fault.Member is { } member)
                    {
                        Member(member).Marks.Add(mark);
                    }
                    else
                    {
                        _faults.Add(mark);
                    }

                    break;
                case NoteRecord { Kind: "down", Member: { } down } note:
                    GoDown(t, down, note.Text);
                    break;
                case ViolationRecord violation:
                    _violation ??= (t, $"{violation.Kind} at {t} ms: {violation.Detail}",
                        [.. violation.Members.Select(MemberLane), .. violation.Partitions.Select(PartitionLane)]);
                    break;
                case VerdictRecord verdict:
                    _verdict = verdict.Verdict;
                    break;
                default:
                    // The scenario's description adds nothing the lanes do not already show.
                    break;
            }
        }

        public RunTimeline Finish()
        {
            foreach (var ((member, worker), open) in _workers)
            {
                Partition(open.Partition).Spans.Add(WorkerSpan(member, worker, open, _endMs, "still running at the end"));
            }

            foreach (var (member, open) in _generations)
            {
                Member(member).Spans.Add(GenerationSpan(member, open, _endMs));
            }

            var lanes = new List<TimelineLane>();
            for (var member = 0; member < Math.Max(_memberCount, _members.Count == 0 ? 0 : _members.Keys.Max() + 1); member++)
            {
                var (spans, marks) = Member(member);
                lanes.Add(new TimelineLane(MemberLane(member), $"member {member}", Sorted(spans), Sorted(marks)));
            }

            foreach (var partition in _partitions.Keys.OrderBy(TopicOf, StringComparer.Ordinal).ThenBy(NumberOf))
            {
                var (spans, marks) = _partitions[partition];
                lanes.Add(new TimelineLane(PartitionLane(partition), partition, Sorted(spans), Sorted(marks)));
            }

            TimelineViolation? violation = null;
            if (_violation is { } found)
            {
                var named = found.Lanes.Where(id => lanes.Any(l => l.Id == id)).Distinct(StringComparer.Ordinal).ToArray();
                violation = new TimelineViolation(found.AtMs, found.Text, named);
            }

            return new RunTimeline(_title, _endMs, lanes.Count(l => l.Id.StartsWith("member:", StringComparison.Ordinal)), lanes,
                Sorted(_faults), _verdict, violation);
        }

        private void ReadEvent(long t, int member, TracedItem item)
        {
            switch (item.Kind)
            {
                case nameof(GroupEvent.AssignmentsReceived):
                    var generation = item.Generation ?? 0;
                    if (_generations.Remove(member, out var open))
                    {
                        Member(member).Spans.Add(GenerationSpan(member, open, t));
                    }

                    _generations[member] = (t, generation);
                    Member(member).Marks.Add(new TimelineMark(t, TimelineMarkKind.Generation, $"member {member} assigned in generation {generation}"));
                    break;
                case nameof(GroupEvent.WorkerStopped):
                    EndWorker(t, member, item.Worker ?? "", TimelineMarkKind.WorkerStop, "stopped");
                    break;
                case nameof(GroupEvent.WorkerExited):
                    EndWorker(t, member, item.Worker ?? "", TimelineMarkKind.WorkerCrash, $"exited: {item.Detail}");
                    break;
                case nameof(GroupEvent.Acked):
                    Partition(item.Partition ?? "").Marks.Add(new TimelineMark(t, TimelineMarkKind.Ack,
                        $"member {member} acked {item.Partition} up to {item.Offset} (generation {item.Generation})"));
                    break;
                case nameof(GroupEvent.CommitCompleted):
                    var success = item.Outcome == nameof(CommitOutcome.Success);
                    foreach (var offset in item.Offsets ?? [])
                    {
                        Partition(offset.Partition).Marks.Add(new TimelineMark(t, success ? TimelineMarkKind.Commit : TimelineMarkKind.CommitRefused,
                            $"member {member} commit of {offset.Partition} at {offset.Offset}: {item.Outcome} (generation {item.Generation})"));
                    }

                    break;
                default:
                    break;
            }
        }

        private void ReadEffect(long t, int member, TracedItem item)
        {
            if (item is { Kind: nameof(GroupEffect.StartWorker), Worker: { } worker, Partition: { } partition })
            {
                var generation = item.Generation ?? 0;
                _workers[(member, worker)] = (partition, t, generation, item.Position ?? "");
                Partition(partition).Marks.Add(new TimelineMark(t, TimelineMarkKind.WorkerStart,
                    $"member {member} starts {worker} on {partition} at {item.Position} (generation {generation})"));
            }
        }

        /// <summary>A member process ended: its workers died with it (a restarted member's machine hands out the same
        /// worker ids again) and its generation ended.</summary>
        private void GoDown(long t, int member, string text)
        {
            foreach (var (_, worker) in _workers.Keys.Where(k => k.Member == member).OrderBy(k => k.Worker, StringComparer.Ordinal).ToArray())
            {
                EndWorker(t, member, worker, TimelineMarkKind.WorkerCrash, "died with its member");
            }

            if (_generations.Remove(member, out var open))
            {
                Member(member).Spans.Add(GenerationSpan(member, open, t));
            }

            Member(member).Marks.Add(new TimelineMark(t, TimelineMarkKind.MemberDown, text));
        }

        private void EndWorker(long t, int member, string worker, TimelineMarkKind kind, string how)
        {
            if (!_workers.Remove((member, worker), out var open))
            {
                return;
            }

            var lane = Partition(open.Partition);
            lane.Spans.Add(WorkerSpan(member, worker, open, t, how));
            lane.Marks.Add(new TimelineMark(t, kind, $"member {member} {worker} on {open.Partition} {how}"));
        }

        private static TimelineSpan WorkerSpan(int member, string worker, (string Partition, long StartMs, int Generation, string Position) open, long endMs, string how) =>
            new(open.StartMs, endMs, member, $"m{member} g{open.Generation}",
                $"member {member} {worker} on {open.Partition}, generation {open.Generation}, from {open.Position}: {open.StartMs}–{endMs} ms, {how}");

        private static TimelineSpan GenerationSpan(int member, (long StartMs, int Generation) open, long endMs) =>
            new(open.StartMs, endMs, member, $"generation {open.Generation}", $"member {member}, generation {open.Generation}: {open.StartMs}–{endMs} ms");

        private (List<TimelineSpan> Spans, List<TimelineMark> Marks) Partition(string name)
        {
            if (!_partitions.TryGetValue(name, out var lane))
            {
                lane = ([], []);
                _partitions[name] = lane;
            }

            return lane;
        }

        private (List<TimelineSpan> Spans, List<TimelineMark> Marks) Member(int member)
        {
            if (!_members.TryGetValue(member, out var lane))
            {
                lane = ([], []);
                _members[member] = lane;
            }

            return lane;
        }

        private static string TopicOf(string partition) => partition[..partition.LastIndexOf('/')];

        private static int NumberOf(string partition) => int.Parse(partition[(partition.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);

        private static TimelineSpan[] Sorted(List<TimelineSpan> spans) => [.. spans.OrderBy(s => s.StartMs).ThenBy(s => s.Member)];

        private static TimelineMark[] Sorted(List<TimelineMark> marks) => [.. marks.OrderBy(m => m.AtMs).ThenBy(m => m.Kind)];
    }
}
