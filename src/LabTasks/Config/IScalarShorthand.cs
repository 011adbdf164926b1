namespace VirtLab.Config;

/// <summary>A section of lab.yaml that may also be written as one value (repeats: 3 for repeats: {min: 3}).</summary>
public interface IScalarShorthand;
