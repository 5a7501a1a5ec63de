using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Elsa.Sim.Kafka.MockCluster;

/// <summary>Binds <see cref="MockClusterNative"/> to the librdkafka file that Confluent.Kafka itself loaded.</summary>
/// <remarks>
/// Confluent.Kafka picks its native library at run time: on Linux it tries the build linked against SASL/GSSAPI
/// (<c>librdkafka.so</c>) and falls back to <c>centos8-librdkafka.so</c> when that one's dependencies are missing (on
/// Debian without <c>libsasl2.so.3</c>, for instance); a user may also have called <c>Library.Load(path)</c>. Loading
/// "librdkafka" again by name could pick a different file — a second librdkafka in the process, or one that cannot
/// load at all. So this class lets Confluent.Kafka initialize, finds the file it mapped into the process, and answers
/// every <see cref="MockClusterNative.LibraryName"/> import of this assembly with that file's handle.
/// </remarks>
internal static partial class LibrdkafkaLibrary
{
    private static readonly Lazy<Loaded> Instance = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The path of the librdkafka file the mock cluster calls into.</summary>
    /// <exception cref="DllNotFoundException">When Confluent.Kafka could not load librdkafka, or the file it loaded
    /// cannot be found among the process's modules.</exception>
    internal static string FilePath => Instance.Value.FilePath;

    /// <summary>librdkafka's version, as Confluent.Kafka reports it (e.g. "2.16.0").</summary>
    internal static string Version => Instance.Value.Version;

    /// <summary>Loads the library and registers the import resolver, once per process; later calls return at once.
    /// Every exception says what was tried.</summary>
    internal static void EnsureLoaded() => _ = Instance.Value;

    private static Loaded Load()
    {
        string version;
        try
        {
            // Forces Confluent.Kafka to load librdkafka the way its clients will.
            version = Confluent.Kafka.Library.VersionString;
        }
        catch (Exception e) when (e is DllNotFoundException or InvalidOperationException or FileLoadException)
        {
            throw new DllNotFoundException(
                "Confluent.Kafka could not load librdkafka, so the mock cluster cannot either. On Linux it tries "
                + "librdkafka.so, then centos8-librdkafka.so (alpine-librdkafka.so on Alpine), from "
                + $"runtimes/{RuntimeInformation.RuntimeIdentifier}/native next to the application. {e.Message} "
                + $"What the loader says of each file there: {DescribeShippedFiles()}", e);
        }

        var path = FindLoadedFile();
        var handle = NativeLibrary.Load(path);
        NativeLibrary.SetDllImportResolver(typeof(LibrdkafkaLibrary).Assembly, (name, _, _) =>
            name == MockClusterNative.LibraryName ? handle : nint.Zero);
        return new Loaded(path, version);
    }

    private static string FindLoadedFile()
    {
        using var process = Process.GetCurrentProcess();
        var candidates = process.Modules
            .Cast<ProcessModule>()
            .Select(module => module.FileName)
            .Where(file => LibrdkafkaFileName().IsMatch(Path.GetFileName(file)))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        return candidates switch
        {
            [var only] => only,
            [] => throw new DllNotFoundException(
                "Confluent.Kafka initialized librdkafka, but no module of this process is named like librdkafka "
                + "([<variant>-]librdkafka.so[.N], .dylib or .dll), so the mock cluster cannot bind to the same file."),
            _ => throw new DllNotFoundException(
                "More than one librdkafka is loaded in this process, and the mock cluster must call the one "
                + $"Confluent.Kafka uses: {string.Join(", ", candidates)}."),
        };
    }

    /// <summary>Tries to load each librdkafka file the application ships, and reports what the loader said, e.g. that
    /// librdkafka.so needs libsasl2.so.3.</summary>
    private static string DescribeShippedFiles()
    {
        var directory = Path.Combine(
            AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native");
        var files = Directory.Exists(directory)
            ? Directory.GetFiles(directory).Where(file => LibrdkafkaFileName().IsMatch(Path.GetFileName(file)))
            : [];
        var outcomes = files.Order(StringComparer.Ordinal).Select(file =>
        {
            try
            {
                NativeLibrary.Load(file);
                return $"{file} loads";
            }
            catch (DllNotFoundException e)
            {
                return e.Message;
            }
        }).ToList();
        return outcomes.Count == 0 ? $"no librdkafka file in {directory}." : string.Join(" | ", outcomes);
    }

    /// <summary>librdkafka.so, librdkafka.so.1, centos8-librdkafka.so, librdkafka.dylib, librdkafka.dll — but not
    /// librdkafkacpp.</summary>
    [GeneratedRegex(@"^([a-z0-9]+-)?librdkafka\.(so(\.[0-9]+)*|dylib|dll)$", RegexOptions.IgnoreCase)]
    private static partial Regex LibrdkafkaFileName();

    private sealed record Loaded(string FilePath, string Version);
}
