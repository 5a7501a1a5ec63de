namespace Elsa.Sim.Systematic.Tests.Support;

/// <summary>A member a scenario means to fail, and what its <c>FailureReason</c> must say.</summary>
internal sealed record ExpectedFailure(string Member, string Reason);
