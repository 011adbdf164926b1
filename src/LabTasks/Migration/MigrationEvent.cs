namespace VirtLab.Migration;

/// <summary>A QMP event of either side on the migration's timeline (seconds after the migrate command; negative before it).</summary>
public sealed record MigrationEvent(double T, string Side, string Name, string Detail);
