using VirtLab.Qemu;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>The mirror and release a debian-backports build is fetched from, read from real-shaped apt sources.</summary>
public class QemuBuildMirrorTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "apt", name));

    [Fact]
    public void The_lab_hosts_deb822_sources_give_deb_debian_org_for_bookworm_and_not_the_security_mirror()
    {
        var entries = AptSources.ParseDeb822(Fixture("debian.sources"));

        var mirror = AptSources.MirrorFor(entries, "bookworm");
        Assert.NotNull(mirror);
        Assert.Equal("http://deb.debian.org/debian", mirror.Uri);
        Assert.Equal("/usr/share/keyrings/debian-archive-keyring.gpg", mirror.SignedBy);
        // Every suite of a stanza is an entry; the security stanza serves only bookworm-security.
        Assert.Equal("http://deb.debian.org/debian", AptSources.MirrorFor(entries, "bookworm-updates")?.Uri);
        Assert.Equal("http://deb.debian.org/debian-security", AptSources.MirrorFor(entries, "bookworm-security")?.Uri);
        Assert.Null(AptSources.MirrorFor(entries, "trixie"));
    }

    [Fact]
    public void A_one_line_sources_list_gives_the_first_binary_entry_of_the_codename_without_its_trailing_slash()
    {
        var entries = AptSources.ParseOneLine(Fixture("sources.list"));

        // The commented cdrom line and the deb-src lines are not entries.
        Assert.DoesNotContain(entries, e => e.Uri.StartsWith("cdrom", StringComparison.Ordinal));
        Assert.Equal(3, entries.Count);
        var mirror = AptSources.MirrorFor(entries, "bookworm");
        Assert.Equal(new AptSourceEntry("http://ftp.de.debian.org/debian", "bookworm", "/usr/share/keyrings/debian-archive-keyring.gpg"), mirror);
        Assert.Equal(new AptSourceEntry("http://security.debian.org/debian-security", "bookworm-security", null), AptSources.MirrorFor(entries, "bookworm-security"));
    }

    [Fact]
    public void Disabled_source_only_and_non_http_deb822_stanzas_are_skipped_and_an_inline_key_is_no_keyring_path()
    {
        const string text = """
            Types: deb
            URIs: http://disabled.example/debian
            Suites: bookworm
            Components: main
            Enabled: no

            Types: deb-src
            URIs: http://sources-only.example/debian
            Suites: bookworm

            Types: deb
            URIs: file:/srv/mirror
            Suites: bookworm

            # a comment between stanzas
            Types: deb deb-src
            URIs: https://mirror.example/debian/ http://second.example/debian
            Suites: bookworm bookworm-updates
            Components: main contrib
            Signed-By:
             -----BEGIN PGP PUBLIC KEY BLOCK-----
             .
             mQINBGPL0BUBEAD…
             -----END PGP PUBLIC KEY BLOCK-----
            """;

        var entries = AptSources.ParseDeb822(text);

        Assert.Equal(new AptSourceEntry("https://mirror.example/debian", "bookworm", null), AptSources.MirrorFor(entries, "bookworm"));
        Assert.Equal(4, entries.Count); // two URIs × two suites
    }

    [Fact]
    public void The_codename_comes_from_os_release_quoted_or_not()
    {
        Assert.Equal("bookworm", AptSources.Codename(Fixture("os-release")));
        Assert.Equal("trixie", AptSources.Codename("NAME=\"Debian GNU/Linux\"\nVERSION_CODENAME=\"trixie\"\n"));
        Assert.Null(AptSources.Codename("NAME=\"Some Linux\"\nVERSION_CODENAME=\n"));
        Assert.Null(AptSources.Codename("ID=arch\n"));
    }

    [Fact]
    public void The_private_sources_list_is_the_line_verified_by_hand()
    {
        var mirror = new DebianMirror("http://deb.debian.org/debian", "bookworm");

        Assert.Equal("bookworm-backports", mirror.BackportsSuite);
        Assert.Equal("deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main\n",
            mirror.BackportsSourcesList);
    }

    [Fact]
    public void This_machine_has_a_mirror_for_its_own_release()
    {
        var mirror = DebianMirror.FromSystem();

        Assert.Equal(AptSources.Codename(File.ReadAllText("/etc/os-release")), mirror.Codename);
        Assert.StartsWith("http", mirror.Uri);
        Assert.True(File.Exists(mirror.Keyring), mirror.Keyring);
    }

    [Fact]
    public void The_private_apt_options_point_every_state_file_into_its_work_folder()
    {
        var work = Directory.CreateTempSubdirectory("virtlab-qemubuild-apt-").FullName;
        try
        {
            var apt = new PrivateApt(work, new DebianMirror("http://deb.debian.org/debian", "bookworm"));

            Assert.True(Directory.Exists(Path.Combine(work, "lists", "partial")));
            Assert.True(Directory.Exists(Path.Combine(work, "cache", "archives", "partial")));
            Assert.Equal(apt.Mirror.BackportsSourcesList, File.ReadAllText(Path.Combine(work, "sources.list")));
            var options = string.Join(' ', apt.Options);
            Assert.Contains($"Dir::Etc::SourceList={work}/sources.list", options);
            Assert.Contains("Dir::Etc::SourceParts=/nonexistent", options);
            Assert.Contains($"Dir::State::Lists={work}/lists", options);
            Assert.Contains($"Dir::Cache={work}/cache", options);
            Assert.Contains("Dir::State::status=/dev/null", options);
            Assert.DoesNotContain("/etc/apt/sources.list", options);
            Assert.DoesNotContain("/var/lib/", options);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
