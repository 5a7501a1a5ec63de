using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>Receives a run's trace as JSON Lines of typed records: the header (seed, configuration, fault plan, version),
/// then one <see cref="TraceRecord"/> per line (each machine step with its event and effects, each fault, each member
/// going down, the violation) and the verdict. Always hashes what it receives (SHA-256), and writes it to a file when given
/// one. Two runs of one seed must produce the same hash.</summary>
public sealed class TraceSink : IDisposable
{
    /// <summary>The trace's JSON: the source-generated contract, with text escaped only where JSON requires it.</summary>
    internal static readonly TraceJson Json = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(), new StartPositionJsonConverter() },
    });

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly TextWriter? _writer;
    private readonly bool _ownsWriter;
    private string? _finalHash;

    private TraceSink(TextWriter? writer, bool ownsWriter)
    {
        _writer = writer;
        _ownsWriter = ownsWriter;
    }

    /// <summary>A sink that only hashes.</summary>
    public static TraceSink HashOnly() => new(null, ownsWriter: false);

    /// <summary>A sink that hashes and writes to <paramref name="path"/> (created or overwritten).</summary>
    public static TraceSink ToFile(string path) => new(new StreamWriter(path, append: false, new UTF8Encoding(false)) { NewLine = "\n" }, ownsWriter: true);

    /// <summary>A sink that hashes and writes each line to <paramref name="writer"/> (with the writer's own line ending),
    /// which stays open: the caller owns it.</summary>
    public static TraceSink ToWriter(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return new(writer, ownsWriter: false);
    }

    /// <summary>The hex SHA-256 of every line received; finishes the trace.</summary>
    public string Hash
    {
        get
        {
            _finalHash ??= Convert.ToHexStringLower(_hash.GetHashAndReset());
            _writer?.Flush();
            return _finalHash;
        }
    }

    /// <summary>The hash of a trace file: SHA-256 over each line's UTF-8 bytes and a newline, exactly as the sink that wrote
    /// it hashed them. Equal to a replay's <see cref="Hash"/> when the replay reproduced the file.</summary>
    /// <exception cref="IOException">When the file cannot be read.</exception>
    public static string HashFile(string path)
    {
        using var reader = new StreamReader(path, new UTF8Encoding(false));
        using var sink = HashOnly();
        while (reader.ReadLine() is { } line)
        {
            sink.WriteLine(line);
        }

        return sink.Hash;
    }

    internal void Header(TraceHeader header) => WriteLine(JsonSerializer.Serialize(header, Json.TraceHeader));

    internal void Step(long nowMs, int member, GroupEvent @event, ValueList<GroupEffect> effects)
    {
        var traced = new TracedItem[effects.Count];
        for (var i = 0; i < traced.Length; i++)
        {
            traced[i] = TracedItem.Of(effects[i]);
        }

        Record(new StepRecord(member, TracedItem.Of(@event), traced) { AtMs = nowMs });
    }

    internal void Record(TraceRecord record) => WriteLine(JsonSerializer.Serialize(record, Json.TraceRecord));

    private void WriteLine(string line)
    {
        if (_finalHash is not null)
        {
            throw new InvalidOperationException("the trace is finished");
        }

        _hash.AppendData(Encoding.UTF8.GetBytes(line));
        _hash.AppendData("\n"u8);
        _writer?.WriteLine(line);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsWriter)
        {
            _writer?.Dispose();
        }
        else
        {
            _writer?.Flush();
        }

        _hash.Dispose();
    }
}
