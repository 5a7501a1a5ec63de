using BenchmarkDotNet.Running;

namespace Elsa.Sim.Benchmarks;

/// <summary>Runs the suites named by <c>--filter</c> (BenchmarkDotNet's switcher; <c>--list flat</c> lists them).</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
