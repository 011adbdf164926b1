namespace VirtLab.Util;

/// <summary>One program VirtLab drives, as build/VirtLab.Tools.props declares it.</summary>
public sealed record LabTool(string Name, string Program, string Package, bool InGuest, string[] VersionArguments, bool ForTestsOnly);
