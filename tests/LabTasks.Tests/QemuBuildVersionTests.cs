using VirtLab.Qemu;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>Debian versions of QEMU builds: their order (as dpkg's), their cache folder names, the choice among those served.</summary>
public class QemuBuildVersionTests
{
    private static readonly DebianMirror Mirror = new("http://deb.debian.org/debian", "bookworm");

    [Theory]
    [InlineData("1:10.0.2+ds-2+deb13u1~bpo12+1", "10.0.2+ds-2+deb13u1_bpo12+1")]
    [InlineData("1:7.2+dfsg-7+deb12u18+b3", "7.2+dfsg-7+deb12u18+b3")]
    [InlineData("8.2.1-1", "8.2.1-1")]
    public void A_folder_is_the_version_without_epoch_with_characters_outside_the_safe_set_replaced(string version, string folder)
    {
        Assert.Equal(folder, DebianVersion.FolderName(version));
    }

    [Theory]
    [InlineData("1:10.0.2+ds-2+deb13u1~bpo12+1", "1:7.2+dfsg-7+deb12u18+b3")]
    [InlineData("1:10.0.2+ds-2+deb13u1~bpo12+1", "1:10.0.2+ds-2+deb13u1~bpo12")]
    [InlineData("1:10.0.2+ds-2+deb13u1", "1:10.0.2+ds-2+deb13u1~bpo12+1")]
    [InlineData("1:10.1.0+ds-1~bpo12+1", "1:10.0.7+ds-1~bpo12+1")]
    [InlineData("1:2.0", "9.9")]
    [InlineData("1.0a", "1.0")]
    [InlineData("1.0", "1.0~rc1")]
    [InlineData("1.0-10", "1.0-9")]
    [InlineData("1.0+b1", "1.0")]
    public void Versions_are_ordered_as_dpkg_orders_them(string newer, string older)
    {
        Assert.True(DebianVersion.Compare(newer, older) > 0);
        Assert.True(DebianVersion.Compare(older, newer) < 0);
        Assert.Equal(0, DebianVersion.Compare(newer, newer));
        // and dpkg agrees
        Assert.Equal(0, ProcessRunner.Run("dpkg", ["--compare-versions", newer, "gt", older], TimeSpan.FromSeconds(10)).ExitCode);
    }

    [Fact]
    public void Madison_output_gives_the_binary_versions_per_package()
    {
        const string output = """
            qemu-system-x86 | 1:10.0.2+ds-2+deb13u1~bpo12+1 | http://deb.debian.org/debian bookworm-backports/main amd64 Packages
            qemu-system-x86 | 1:8.2.1+ds-1~bpo12+1 | http://deb.debian.org/debian bookworm-backports/main amd64 Packages
            qemu-system-common | 1:10.0.2+ds-2+deb13u1~bpo12+1 | http://deb.debian.org/debian bookworm-backports/main amd64 Packages
                  qemu | 1:10.0.2+ds-2+deb13u1~bpo12+1 | http://deb.debian.org/debian bookworm-backports/main Sources
            """;

        var served = PrivateApt.ParseMadison(output, BackportsFetcher.Packages);

        Assert.Equal(["1:10.0.2+ds-2+deb13u1~bpo12+1", "1:8.2.1+ds-1~bpo12+1"], served["qemu-system-x86"]);
        Assert.Equal(["1:10.0.2+ds-2+deb13u1~bpo12+1"], served["qemu-system-common"]);
        Assert.Empty(served["qemu-system-data"]);
    }

    [Fact]
    public void Without_a_pin_the_newest_served_is_chosen_and_a_pin_matches_with_or_without_epoch()
    {
        string[] served = ["1:8.2.1+ds-1~bpo12+1", "1:10.0.2+ds-2+deb13u1~bpo12+1", "1:9.2.0+ds-1~bpo12+1"];

        Assert.Equal("1:10.0.2+ds-2+deb13u1~bpo12+1", BackportsFetcher.ChooseVersion("b", served, null, Mirror));
        Assert.Equal("1:8.2.1+ds-1~bpo12+1", BackportsFetcher.ChooseVersion("b", served, "8.2.1+ds-1~bpo12+1", Mirror));
        Assert.Equal("1:9.2.0+ds-1~bpo12+1", BackportsFetcher.ChooseVersion("b", served, "1:9.2.0+ds-1~bpo12+1", Mirror));
    }

    [Fact]
    public void A_pinned_version_the_mirror_lacks_is_LAB0022_naming_the_build_and_what_is_served()
    {
        var e = Assert.Throws<LabException>(() =>
            BackportsFetcher.ChooseVersion("qemu-new", ["1:10.0.2+ds-2+deb13u1~bpo12+1"], "1:9.9.9-1", Mirror));

        Assert.Equal(LabCodes.QemuFetch, e.Code);
        Assert.Contains("'qemu-new'", e.Message);
        Assert.Contains("1:9.9.9-1", e.Message);
        Assert.Contains("1:10.0.2+ds-2+deb13u1~bpo12+1", e.Message);
        Assert.Contains("bookworm-backports", e.Message);
        Assert.NotNull(e.Fix);
    }

    [Fact]
    public void Nothing_served_is_LAB0022()
    {
        var e = Assert.Throws<LabException>(() => BackportsFetcher.ChooseVersion("debian-backports", [], null, Mirror));
        Assert.Equal(LabCodes.QemuFetch, e.Code);
        Assert.Contains("serves no qemu-system-x86", e.Message);
    }

    [Fact]
    public void A_companion_package_takes_the_same_version_or_the_one_before_a_binary_only_rebuild()
    {
        Assert.Equal("1:10.0.2-1", BackportsFetcher.CompanionVersion("b", "qemu-system-common", ["1:10.0.2-1"], "1:10.0.2-1", Mirror));
        Assert.Equal("1:10.0.2-1", BackportsFetcher.CompanionVersion("b", "qemu-system-data", ["1:10.0.2-1"], "1:10.0.2-1+b2", Mirror));
        var e = Assert.Throws<LabException>(() => BackportsFetcher.CompanionVersion("b", "qemu-system-data", ["1:9.0-1"], "1:10.0.2-1", Mirror));
        Assert.Equal(LabCodes.QemuFetch, e.Code);
        Assert.Contains("qemu-system-data 1:10.0.2-1", e.Message);
    }

    [Theory]
    [InlineData("1:10.0.2+ds-2+deb13u1~bpo12+1", true)]
    [InlineData("10.0.2", true)]
    [InlineData("../../etc", false)]
    [InlineData("10.0 2", false)]
    [InlineData("", false)]
    public void Only_the_shape_of_a_Debian_version_is_accepted_as_a_pin(string version, bool valid)
    {
        Assert.Equal(valid, DebianVersion.IsValid(version));
    }
}
