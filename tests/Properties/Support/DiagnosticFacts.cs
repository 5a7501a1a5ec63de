namespace Elsa.Sim.Properties.Tests.Support;

/// <summary>Compares a diagnostic by what code reads from it (its kind and its typed facts), never by its wording: the
/// detail is for people and may be rephrased, the facts are for metrics, health checks and tests.</summary>
internal static class DiagnosticFacts
{
    /// <summary>Asserts that <paramref name="actual"/> is a diagnostic of <paramref name="kind"/> naming exactly these facts
    /// (a fact left out must be absent), with a detail for the people who read it.</summary>
    public static GroupEffect.Diagnostic AssertFacts(
        GroupEffect actual,
        DiagnosticKind kind,
        TopicPartitionId[]? partitions = null,
        int? generation = null,
        WorkerId? worker = null,
        long? offset = null,
        long? skipped = null)
    {
        var diagnostic = Assert.IsType<GroupEffect.Diagnostic>(actual);
        var expected = new GroupEffect.Diagnostic(kind, "")
        {
            Partitions = (partitions ?? []).ToValueList(),
            GenerationId = generation,
            Worker = worker,
            Offset = offset,
            SkippedOffsets = skipped,
        };

        Assert.Equal(expected, diagnostic with { Detail = "" });
        Assert.False(string.IsNullOrWhiteSpace(diagnostic.Detail), $"{kind} says nothing to the people who read it");
        return diagnostic;
    }

    /// <summary>The one diagnostic among <paramref name="effects"/>.</summary>
    public static GroupEffect.Diagnostic Single(IEnumerable<GroupEffect> effects) =>
        Assert.IsType<GroupEffect.Diagnostic>(Assert.Single(effects, e => e is GroupEffect.Diagnostic));
}
