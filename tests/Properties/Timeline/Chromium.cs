using System.Diagnostics;

namespace Elsa.Sim.Properties.Tests.Timeline;

/// <summary>Headless Chromium for the timeline test (Debian's <c>chromium</c> package; <c>.ci/run</c> installs it). Each
/// call gets an empty profile and is killed if it runs past <see cref="Limit"/>.</summary>
internal static class Chromium
{
    /// <summary>Set (to 1) where Chromium must be present, as in CI: its absence then fails the test instead of skipping it.</summary>
    public const string RequiredVariable = "ELSA_SIM_REQUIRE_CHROMIUM";

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    // Even a run that used its whole limit gets a moment to hand over output that has already been written.
    private static readonly TimeSpan MinimumReadWait = TimeSpan.FromSeconds(5);

    /// <summary>Whether a Chromium binary is on the PATH.</summary>
    public static bool IsInstalled => Find() is not null;

    /// <summary>Whether this machine must have Chromium (CI).</summary>
    public static bool IsRequired => Environment.GetEnvironmentVariable(RequiredVariable) == "1";

    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    /// <summary>Takes a screenshot of <paramref name="page"/> into <paramref name="png"/>.</summary>
    public static void Screenshot(string page, string png, int width, int height) =>
        Run([$"--window-size={width},{height}", $"--screenshot={png}", new Uri(page).AbsoluteUri]);

    /// <summary>The page's DOM after Chromium loaded and laid it out.</summary>
    public static string DumpDom(string page) => Run(["--dump-dom", new Uri(page).AbsoluteUri]);

    private static string Run(IEnumerable<string> arguments)
    {
        var binary = Find() ?? throw new InvalidOperationException(
            "Chromium is not installed: the timeline test needs it (apt-get install chromium; .ci/run does this)");
        var profile = Directory.CreateTempSubdirectory("elsa-sim-chromium-");
        try
        {
            var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in Flags.Append($"--user-data-dir={profile.FullName}").Concat(arguments))
            {
                start.ArgumentList.Add(argument);
            }

            var elapsed = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Limit))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"Chromium did not finish within {Limit.TotalSeconds} s");
            }

            // Chromium's helper processes can keep its pipes open after it exits: reading them to the end is bounded too.
            var left = Limit - elapsed.Elapsed;
            if (!Task.WhenAll(output, error).Wait(left > MinimumReadWait ? left : MinimumReadWait))
            {
                throw new TimeoutException($"Chromium exited, but its output did not end within {Limit.TotalSeconds} s of its start");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"Chromium exited with {process.ExitCode}: {error.Result}");
            }

            return output.Result;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    private static string? Find() =>
        new[] { "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
}
