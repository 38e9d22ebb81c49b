namespace TlsShutdown.RealWorld;

/// <summary>One diagnostic of ours on a corpus project, where it is and in which member.</summary>
internal sealed record Report(string Project, string File, int Line, string Rule, string Member, string Message);
