using System.Text;

namespace Elsa.Sim.Integration.Tests.Cli;

/// <summary>An output writer for elsa-sim run in process that keeps what it writes line by line, so that a test can wait
/// for a line (a bootstrap address, a progress line) while the command still runs.</summary>
internal sealed class LineWriter : TextWriter
{
    private readonly object _gate = new();
    private readonly StringBuilder _partial = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Wanted, TaskCompletionSource<string> Found)> _waits = [];

    public override Encoding Encoding => Encoding.UTF8;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>The first line, written already or later, that <paramref name="wanted"/> accepts.</summary>
    public Task<string> LineAsync(Func<string, bool> wanted)
    {
        lock (_gate)
        {
            if (_lines.FirstOrDefault(wanted) is { } line)
            {
                return Task.FromResult(line);
            }

            var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((wanted, found));
            return found.Task;
        }
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value != '\n')
            {
                _partial.Append(value);
                return;
            }

            var line = _partial.ToString().TrimEnd('\r');
            _partial.Clear();
            _lines.Add(line);
            foreach (var wait in _waits.Where(w => w.Wanted(line)).ToList())
            {
                _waits.Remove(wait);
                wait.Found.TrySetResult(line);
            }
        }
    }

    public override string ToString() => string.Join(Environment.NewLine, Lines);
}
