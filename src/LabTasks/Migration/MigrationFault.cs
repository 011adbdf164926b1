namespace VirtLab.Migration;

/// <summary>A fault to inject: kill the destination QEMU this long after the migrate command, while the migration is still active.</summary>
public sealed record MigrationFault(TimeSpan KillDestinationAfter);
