using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Elsa.Sim.Simulation;

/// <summary>Reads a JSONL trace (as <see cref="TraceSink"/> writes it) into a <see cref="RunTimeline"/>. It reads what the
/// trace recorded, so a trace of any run can be drawn, also one whose machine the current build no longer has.</summary>
public static partial class TimelineBuilder
{
    /// <summary>Builds the timeline of the trace file at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">When the file cannot be read.</exception>
    /// <exception cref="FormatException">When a line is not a trace line.</exception>
    public static RunTimeline FromFile(string path) => FromLines(File.ReadLines(path));

    /// <summary>Builds the timeline of a trace's lines.</summary>
    /// <exception cref="FormatException">When a line is not a trace line.</exception>
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
                using var document = JsonDocument.Parse(line);
                state.Read(document.RootElement);
            }
            catch (JsonException e)
            {
                throw new FormatException($"trace line {number} is not JSON: {e.Message}", e);
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
            {
                // A JSON line without the fields (or with fields of another kind) a trace line has.
                throw new FormatException($"trace line {number} is not a trace line: {e.Message}", e);
            }
        }

        return state.Finish();
    }

    [GeneratedRegex(@"^AssignmentsReceived \{ GenerationId = (\d+)")]
    private static partial Regex AssignmentsReceived();

    [GeneratedRegex(@"^StartWorker \{ Worker = (\w+), Partition = ([^,]+), GenerationId = (\d+), Position = ([^ }]+)")]
    private static partial Regex StartWorker();

    [GeneratedRegex(@"^WorkerStopped \{ Worker = (\w+)")]
    private static partial Regex WorkerStopped();

    [GeneratedRegex(@"^WorkerExited \{ Worker = (\w+)(.*)\}$")]
    private static partial Regex WorkerExited();

    [GeneratedRegex(@"^Acked \{ Partition = (-?\d+), GenerationId = (-?\d+), Offset = (-?\d+), Topic = (.*) \}$")]
    private static partial Regex Acked();

    [GeneratedRegex(@"^CommitCompleted \{ GenerationId = (\d+), Offsets = \[(.*)\], Outcome = (\w+)")]
    private static partial Regex CommitCompleted();

    [GeneratedRegex(@"([\w.-]+/\d+)@(\d+)")]
    private static partial Regex PartitionOffset();

    [GeneratedRegex(@"\b([\w.-]+/\d+)\b")]
    private static partial Regex PartitionName();

    [GeneratedRegex(@"\bmember (\d+)\b")]
    private static partial Regex MemberName();

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
        private (long AtMs, string Text)? _violation;

        public void Read(JsonElement line)
        {
            if (line.TryGetProperty("format", out _))
            {
                ReadHeader(line);
                return;
            }

            var t = line.GetProperty("t").GetInt64();
            _endMs = Math.Max(_endMs, t);
            if (line.TryGetProperty("event", out var @event))
            {
                var member = line.GetProperty("m").GetInt32();
                ReadEvent(t, member, @event.GetString() ?? "");
                foreach (var effect in line.GetProperty("effects").EnumerateArray())
                {
                    ReadEffect(t, member, effect.GetString() ?? "");
                }

                return;
            }

            foreach (var note in line.EnumerateObject())
            {
                if (note.Name != "t")
                {
                    ReadNote(t, note.Name, note.Value.GetString() ?? "");
                }
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
                var named = PartitionName().Matches(found.Text).Select(m => PartitionLane(m.Groups[1].Value))
                    .Concat(MemberName().Matches(found.Text).Select(m => MemberLane(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))))
                    .Where(id => lanes.Any(l => l.Id == id))
                    .Distinct(StringComparer.Ordinal)
                    .ToArray();
                violation = new TimelineViolation(found.AtMs, found.Text, named);
            }

            return new RunTimeline(_title, _endMs, lanes.Count(l => l.Id.StartsWith("member:", StringComparison.Ordinal)), lanes,
                Sorted(_faults), _verdict, violation);
        }

        private void ReadHeader(JsonElement header)
        {
            var options = header.GetProperty("options");
            _memberCount = options.GetProperty("members").GetInt32();
            var seed = header.GetProperty("seed").GetRawText();
            var machine = header.TryGetProperty("machine", out var m) ? m.GetString() : "core";
            var handler = header.TryGetProperty("handler", out var h) ? $" · user handler '{h.GetString()}'" : "";
            _title = $"seed {seed} · machine {machine}{handler} · {_memberCount} members · " +
                $"{options.GetProperty("topics").GetInt32()} topics × {options.GetProperty("partitionsPerTopic").GetInt32()} partitions";
        }

        private void ReadEvent(long t, int member, string text)
        {
            if (AssignmentsReceived().Match(text) is { Success: true } assigned)
            {
                var generation = Int(assigned.Groups[1]);
                if (_generations.Remove(member, out var open))
                {
                    Member(member).Spans.Add(GenerationSpan(member, open, t));
                }

                _generations[member] = (t, generation);
                Member(member).Marks.Add(new TimelineMark(t, TimelineMarkKind.Generation, $"member {member} assigned in generation {generation}"));
            }
            else if (WorkerStopped().Match(text) is { Success: true } stopped)
            {
                EndWorker(t, member, stopped.Groups[1].Value, TimelineMarkKind.WorkerStop, "stopped");
            }
            else if (WorkerExited().Match(text) is { Success: true } exited)
            {
                EndWorker(t, member, exited.Groups[1].Value, TimelineMarkKind.WorkerCrash, "exited" + exited.Groups[2].Value.TrimEnd());
            }
            else if (Acked().Match(text) is { Success: true } acked)
            {
                var partition = $"{acked.Groups[4].Value}/{acked.Groups[1].Value}";
                Partition(partition).Marks.Add(new TimelineMark(t, TimelineMarkKind.Ack,
                    $"member {member} acked {partition} up to {acked.Groups[3].Value} (generation {acked.Groups[2].Value})"));
            }
            else if (CommitCompleted().Match(text) is { Success: true } commit)
            {
                var success = commit.Groups[3].Value == "Success";
                foreach (Match offset in PartitionOffset().Matches(commit.Groups[2].Value))
                {
                    Partition(offset.Groups[1].Value).Marks.Add(new TimelineMark(t, success ? TimelineMarkKind.Commit : TimelineMarkKind.CommitRefused,
                        $"member {member} commit of {offset.Groups[1].Value} at {offset.Groups[2].Value}: {commit.Groups[3].Value} (generation {commit.Groups[1].Value})"));
                }
            }
        }

        private void ReadEffect(long t, int member, string text)
        {
            if (StartWorker().Match(text) is { Success: true } start)
            {
                var partition = start.Groups[2].Value;
                _workers[(member, start.Groups[1].Value)] = (partition, t, Int(start.Groups[3]), start.Groups[4].Value);
                Partition(partition).Marks.Add(new TimelineMark(t, TimelineMarkKind.WorkerStart,
                    $"member {member} starts {start.Groups[1].Value} on {partition} at {start.Groups[4].Value} (generation {start.Groups[3].Value})"));
            }
        }

        private void ReadNote(long t, string kind, string text)
        {
            switch (kind)
            {
                case "fault":
                    var mark = new TimelineMark(t, TimelineMarkKind.Fault, text);
                    if (PartitionName().Match(text) is { Success: true } partition)
                    {
                        Partition(partition.Groups[1].Value).Marks.Add(mark);
                    }
                    else if (MemberName().Match(text) is { Success: true } member)
                    {
                        Member(Int(member.Groups[1])).Marks.Add(mark);
                    }
                    else
                    {
                        _faults.Add(mark);
                    }

                    break;
                case "down":
                    if (MemberName().Match(text) is { Success: true } down)
                    {
                        GoDown(t, Int(down.Groups[1]), text);
                    }

                    break;
                case "violation":
                    _violation ??= (t, text);
                    break;
                case "verdict":
                    _verdict = text;
                    break;
                default:
                    // Scenario descriptions and per-batch notes add nothing the lanes do not already show.
                    break;
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

        private static int Int(Group group) => int.Parse(group.Value, CultureInfo.InvariantCulture);

        private static string TopicOf(string partition) => partition[..partition.LastIndexOf('/')];

        private static int NumberOf(string partition) => int.Parse(partition[(partition.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);

        private static TimelineSpan[] Sorted(List<TimelineSpan> spans) => [.. spans.OrderBy(s => s.StartMs).ThenBy(s => s.Member)];

        private static TimelineMark[] Sorted(List<TimelineMark> marks) => [.. marks.OrderBy(m => m.AtMs).ThenBy(m => m.Kind)];
    }
}
