namespace VirtLab.Sysbench;

/// <summary>Command-line dialect: 1.0 takes the test as a word, 0.4 as --test= with other option names.</summary>
public enum SysbenchSyntax
{
    V1_0,
    V0_4,
}
