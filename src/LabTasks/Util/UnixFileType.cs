namespace VirtLab.Util;

/// <summary>What a directory entry is, from the S_IFMT bits of its mode.</summary>
public enum UnixFileType
{
    Missing,
    Regular,
    Directory,
    SymbolicLink,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
}
