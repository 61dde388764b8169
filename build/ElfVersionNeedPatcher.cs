// ElfVersionNeedPatcher: marks one ELF symbol-version requirement as "weak" so that glibc's
// loader tolerates its absence.
//
// Why: TorchSharp 0.107.0 ships libLibTorchSharp.so built with GCC 13. GCC 13 adds a reference to
// _ZSt21ios_base_library_initv@GLIBCXX_3.4.32 to every object that includes <iostream>. The
// symbol is only a marker (there is no relocation against it, nothing calls it), but the version
// requirement alone makes dlopen fail on systems whose libstdc++ stops at GLIBCXX_3.4.30
// (Debian 12, Ubuntu 22.04). glibc skips a missing version whose Vernaux entry carries
// VER_FLG_WEAK, so setting that one bit is enough for the library to load.
//
// This file is used in two ways:
//   * by MSBuild, as the source of an inline task (RoslynCodeTaskFactory, see
//     TorchSharpNativePatch.targets). That compiler builds against netstandard2.0 (no Span,
//     no BinaryPrimitives, no File.Move overwrite overload, no records), so the code sticks to
//     byte arrays and plain classes.
//   * by the tests, compiled with ELF_PATCHER_NO_MSBUILD so that no MSBuild assembly is needed.
//
// Layouts used (ELF64, little-endian only; see the System V gABI and the LSB "Symbol Versioning"):
//   Elf64_Ehdr  e_shoff @0x28 u64, e_shentsize @0x3A u16, e_shnum @0x3C u16, e_shstrndx @0x3E u16
//   Elf64_Shdr  (64 bytes) sh_name @0 u32, sh_type @4 u32, sh_offset @24 u64, sh_size @32 u64,
//               sh_link @40 u32, sh_info @44 u32
//   Elf64_Verneed (16) vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32
//   Elf64_Vernaux (16) vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32
//   Elf64_Verdef  (20) vd_version u16, vd_flags u16, vd_ndx u16, vd_cnt u16, vd_hash u32,
//                      vd_aux u32, vd_next u32
//   Elf64_Verdaux (8)  vda_name u32, vda_next u32
#nullable enable

using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
#if !ELF_PATCHER_NO_MSBUILD
using Microsoft.Build.Framework;
#endif

namespace JengaFleet.Build
{
    /// <summary>Outcome of <see cref="ElfVersionNeedPatcher.Inspect"/> or <see cref="ElfVersionNeedPatcher.MarkWeak"/>.</summary>
    public enum ElfVersionNeedState
    {
        /// <summary>Not an ELF64 little-endian file, or its headers/version sections are malformed. Nothing was written.</summary>
        NotElf64,
        /// <summary>The file does not require the version at all. Nothing was written.</summary>
        VersionNotRequired,
        /// <summary>(Inspect only) the file requires the version and the requirement is not weak.</summary>
        Required,
        /// <summary>Every requirement of the version is already weak. Nothing was written.</summary>
        AlreadyWeak,
        /// <summary>(MarkWeak only) the requirement was marked weak and the file was replaced.</summary>
        Patched,
    }

    /// <summary>Result of inspecting or patching one file.</summary>
    public sealed class ElfVersionNeedResult
    {
        public ElfVersionNeedResult(ElfVersionNeedState state, string version, string detail,
            IReadOnlyList<long>? flagsOffsets = null, string? requiredFrom = null)
        {
            State = state;
            Version = version;
            Detail = detail;
            FlagsOffsets = flagsOffsets ?? Array.Empty<long>();
            RequiredFrom = requiredFrom;
        }

        public ElfVersionNeedState State { get; }

        /// <summary>The version name looked for, e.g. GLIBCXX_3.4.32.</summary>
        public string Version { get; }

        /// <summary>Human-readable explanation (why it is not ELF64, which library needs the version, ...).</summary>
        public string Detail { get; }

        /// <summary>File offsets of the vna_flags fields of the matching Vernaux entries (usually one).</summary>
        public IReadOnlyList<long> FlagsOffsets { get; }

        /// <summary>vn_file of the Verneed entry holding the version, e.g. libstdc++.so.6.</summary>
        public string? RequiredFrom { get; }

        public override string ToString() => State + ": " + Detail;
    }

    /// <summary>Pure ELF logic: no MSBuild dependency.</summary>
    public static class ElfVersionNeedPatcher
    {
        public const uint ShtNoBits = 8;                 // SHT_NOBITS: section occupies no file bytes
        public const uint ShtGnuVerdef = 0x6ffffffd;     // SHT_GNU_verdef  (.gnu.version_d)
        public const uint ShtGnuVerneed = 0x6ffffffe;    // SHT_GNU_verneed (.gnu.version_r)
        public const ushort VerFlgWeak = 0x2;            // VER_FLG_WEAK in vna_flags

        private const int EhdrSize = 64;
        private const int ShdrSize = 64;
        private const int VerneedSize = 16;
        private const int VernauxSize = 16;
        private const int VerdefSize = 20;
        private const int VerdauxSize = 8;

        /// <summary>Folders searched, in order, for the system libstdc++.so.6 (Debian/Ubuntu multiarch, RHEL, Alpine).</summary>
        public static IReadOnlyList<string> LibStdCxxSearchDirectories()
        {
            // Prefer the multiarch folder of the architecture we run on, so that a cross toolchain's
            // libraries for another architecture are not mistaken for the system one.
            bool arm64 = RuntimeInformation.ProcessArchitecture == Architecture.Arm64;
            string own = arm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
            string other = arm64 ? "x86_64-linux-gnu" : "aarch64-linux-gnu";
            return new[]
            {
                "/usr/lib/" + own, "/lib/" + own,
                "/usr/lib64", "/lib64",
                "/usr/lib", "/lib",
                "/usr/lib/" + other, "/lib/" + other,
            };
        }

        /// <summary>Path of the system libstdc++.so.6, or null when none is found.</summary>
        public static string? FindSystemLibStdCxx()
        {
            foreach (string dir in LibStdCxxSearchDirectories())
            {
                string candidate = Path.Combine(dir, "libstdc++.so.6");
                if (File.Exists(candidate)) // follows the usual libstdc++.so.6 -> libstdc++.so.6.0.NN symlink
                {
                    return candidate;
                }
            }
            return null;
        }

        /// <summary>
        /// Whether the system libstdc++ defines <paramref name="version"/>: true/false, or null when no
        /// libstdc++.so.6 was found (<paramref name="libraryPath"/> is then null).
        /// </summary>
        public static bool? SystemLibStdCxxDefines(string version, out string? libraryPath)
        {
            libraryPath = FindSystemLibStdCxx();
            return libraryPath == null ? (bool?)null : LibraryDefinesVersion(libraryPath, version);
        }

        /// <summary>
        /// Whether the shared library at <paramref name="libraryPath"/> defines (in .gnu.version_d)
        /// the symbol version <paramref name="version"/>. Falls back to searching the file for the
        /// exact NUL-delimited string when the verdef section cannot be parsed.
        /// </summary>
        public static bool LibraryDefinesVersion(string libraryPath, string version)
        {
            byte[] wanted = Encoding.ASCII.GetBytes(version);
            using (FileStream fs = OpenRead(libraryPath))
            {
                List<string>? defined = ReadDefinedVersions(fs);
                if (defined != null)
                {
                    return defined.Contains(version);
                }
            }

            // Fallback: the name is stored in .dynstr as "\0NAME\0"; requiring both NULs avoids
            // GLIBCXX_3.4.3 matching inside GLIBCXX_3.4.30.
            byte[] all = File.ReadAllBytes(libraryPath);
            for (int i = 1; i + wanted.Length < all.Length; i++)
            {
                if (all[i - 1] == 0 && all[i + wanted.Length] == 0 && BytesEqual(all, i, wanted))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>Reports whether <paramref name="path"/> requires <paramref name="version"/> and whether that requirement is weak. Never writes.</summary>
        public static ElfVersionNeedResult Inspect(string path, string version)
        {
            using (FileStream fs = OpenRead(path))
            {
                return Analyze(fs, version);
            }
        }

        /// <summary>
        /// Sets VER_FLG_WEAK on every Vernaux entry of <paramref name="path"/> named
        /// <paramref name="version"/>. The target is never modified in place: the change is made
        /// on a copy next to it which then replaces it (a rename), so a file hard-linked into the
        /// NuGet cache keeps its original content.
        /// </summary>
        public static ElfVersionNeedResult MarkWeak(string path, string version)
        {
            ElfVersionNeedResult before = Inspect(path, version);
            if (before.State != ElfVersionNeedState.Required)
            {
                return before;
            }

            string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            string temp = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                File.Copy(path, temp, overwrite: false); // keeps the file mode (the .so stays executable)
                using (var fs = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                    // Re-parse the copy: the offsets written to are the ones validated in these very bytes.
                    ElfVersionNeedResult onCopy = Analyze(fs, version);
                    if (onCopy.State != ElfVersionNeedState.Required)
                    {
                        return onCopy; // the target changed between the two reads; leave it alone
                    }
                    byte[] field = new byte[2];
                    foreach (long offset in onCopy.FlagsOffsets)
                    {
                        ReadExactlyAt(fs, offset, field);
                        ushort flags = (ushort)(ReadU16(field, 0) | VerFlgWeak);
                        field[0] = (byte)flags;          // little-endian u16
                        field[1] = (byte)(flags >> 8);
                        fs.Seek(offset, SeekOrigin.Begin);
                        fs.Write(field, 0, 2);
                    }
                    fs.Flush(flushToDisk: true);

                    ElfVersionNeedResult after = Analyze(fs, version);
                    if (after.State != ElfVersionNeedState.AlreadyWeak)
                    {
                        throw new InvalidDataException("Patched copy of " + path + " did not verify: " + after);
                    }
                }
                MoveOverwrite(temp, path);
                return new ElfVersionNeedResult(ElfVersionNeedState.Patched, version,
                    "marked " + version + " (required from " + before.RequiredFrom + ") weak",
                    before.FlagsOffsets, before.RequiredFrom);
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }
        }

        // ---------------------------------------------------------------- parsing

        private sealed class Section
        {
            public string Name = "";
            public uint Type;
            public ulong Offset;
            public ulong Size;
            public uint Link;
            public uint Info;
        }

        private static ElfVersionNeedResult Analyze(FileStream fs, string version)
        {
            string? error;
            List<Section>? sections = ReadSections(fs, out error);
            if (sections == null)
            {
                return NotElf(version, error);
            }

            Section? verneed = sections.Find(s => s.Type == ShtGnuVerneed);
            if (verneed == null)
            {
                return new ElfVersionNeedResult(ElfVersionNeedState.VersionNotRequired, version, "no .gnu.version_r section");
            }
            if (verneed.Link >= sections.Count)
            {
                return NotElf(version, verneed.Name + " links to a missing string table");
            }
            byte[] needs = ReadSection(fs, verneed);
            byte[] strings = ReadSection(fs, sections[(int)verneed.Link]);
            byte[] wanted = Encoding.ASCII.GetBytes(version);

            var offsets = new List<long>();
            string? requiredFrom = null;
            bool allWeak = true;

            // sh_info holds the number of Verneed entries; also cap by what fits in the section so
            // that a malformed vn_next chain cannot loop forever.
            uint maxNeeds = verneed.Info != 0 ? verneed.Info : (uint)(needs.Length / VerneedSize);
            long need = 0;
            for (uint i = 0; i < maxNeeds; i++)
            {
                if (!Fits(need, VerneedSize, needs.Length))
                {
                    return NotElf(version, "Verneed entry outside " + verneed.Name);
                }
                ushort vnVersion = ReadU16(needs, need);
                ushort vnCnt = ReadU16(needs, need + 2);
                uint vnFile = ReadU32(needs, need + 4);
                uint vnAux = ReadU32(needs, need + 8);
                uint vnNext = ReadU32(needs, need + 12);
                if (vnVersion != 1)
                {
                    return NotElf(version, "unsupported vn_version " + vnVersion);
                }

                long aux = need + vnAux; // vn_aux is relative to this Verneed entry
                for (int j = 0; j < vnCnt; j++)
                {
                    if (!Fits(aux, VernauxSize, needs.Length))
                    {
                        return NotElf(version, "Vernaux entry outside " + verneed.Name);
                    }
                    ushort vnaFlags = ReadU16(needs, aux + 4);
                    uint vnaName = ReadU32(needs, aux + 8);
                    uint vnaNext = ReadU32(needs, aux + 12);
                    if (StringEquals(strings, vnaName, wanted))
                    {
                        offsets.Add((long)verneed.Offset + aux + 4); // file offset of vna_flags
                        requiredFrom = ReadString(strings, vnFile) ?? "?";
                        allWeak &= (vnaFlags & VerFlgWeak) != 0;
                    }
                    if (vnaNext == 0)
                    {
                        break;
                    }
                    aux += vnaNext; // vna_next is relative to this Vernaux entry
                }

                if (vnNext == 0)
                {
                    break;
                }
                need += vnNext; // vn_next is relative to this Verneed entry
            }

            if (offsets.Count == 0)
            {
                return new ElfVersionNeedResult(ElfVersionNeedState.VersionNotRequired, version, version + " is not required");
            }
            return allWeak
                ? new ElfVersionNeedResult(ElfVersionNeedState.AlreadyWeak, version, version + " (from " + requiredFrom + ") is already weak", offsets, requiredFrom)
                : new ElfVersionNeedResult(ElfVersionNeedState.Required, version, version + " is required from " + requiredFrom, offsets, requiredFrom);
        }

        /// <summary>Names of the versions a library defines (first Verdaux of each Verdef), or null if it cannot be parsed.</summary>
        private static List<string>? ReadDefinedVersions(FileStream fs)
        {
            List<Section>? sections = ReadSections(fs, out _);
            Section? verdef = sections?.Find(s => s.Type == ShtGnuVerdef);
            if (sections == null || verdef == null || verdef.Link >= sections.Count)
            {
                return null;
            }
            byte[] defs = ReadSection(fs, verdef);
            byte[] strings = ReadSection(fs, sections[(int)verdef.Link]);
            var names = new List<string>();
            uint maxDefs = verdef.Info != 0 ? verdef.Info : (uint)(defs.Length / VerdefSize);
            long def = 0;
            for (uint i = 0; i < maxDefs; i++)
            {
                if (!Fits(def, VerdefSize, defs.Length) || ReadU16(defs, def) != 1)
                {
                    return null;
                }
                ushort vdCnt = ReadU16(defs, def + 6);
                long aux = def + ReadU32(defs, def + 12); // vd_aux: relative to this Verdef
                uint vdNext = ReadU32(defs, def + 16);
                if (vdCnt > 0)
                {
                    // The first Verdaux names the version itself; later ones name its parents.
                    string? name = Fits(aux, VerdauxSize, defs.Length) ? ReadString(strings, ReadU32(defs, aux)) : null;
                    if (name == null)
                    {
                        return null;
                    }
                    names.Add(name);
                }
                if (vdNext == 0)
                {
                    break;
                }
                def += vdNext;
            }
            return names;
        }

        /// <summary>Section headers with resolved names, or null (and a reason) if this is not a sane ELF64 LE file.</summary>
        private static List<Section>? ReadSections(FileStream fs, out string? error)
        {
            long length = fs.Length;
            if (length < EhdrSize)
            {
                error = "file is shorter than an ELF64 header";
                return null;
            }
            byte[] ehdr = new byte[EhdrSize];
            ReadExactlyAt(fs, 0, ehdr);
            // e_ident: magic 7F 'E' 'L' 'F', EI_CLASS=2 (ELFCLASS64), EI_DATA=1 (little-endian), EI_VERSION=1
            if (ehdr[0] != 0x7F || ehdr[1] != (byte)'E' || ehdr[2] != (byte)'L' || ehdr[3] != (byte)'F')
            {
                error = "no ELF magic";
                return null;
            }
            if (ehdr[4] != 2 || ehdr[5] != 1 || ehdr[6] != 1)
            {
                error = "not ELF64 little-endian (class " + ehdr[4] + ", data " + ehdr[5] + ")";
                return null;
            }

            ulong shoff = ReadU64(ehdr, 0x28);
            ushort shentsize = ReadU16(ehdr, 0x3A);
            ulong shnum = ReadU16(ehdr, 0x3C);
            uint shstrndx = ReadU16(ehdr, 0x3E);
            if (shoff == 0 || shentsize != ShdrSize || !Fits(shoff, ShdrSize, length))
            {
                error = "no usable section header table";
                return null;
            }

            // Files with >= 0xff00 sections keep the real count in section 0's sh_size and the
            // real string-table index in its sh_link (SHN_XINDEX = 0xffff).
            byte[] shdr = new byte[ShdrSize];
            ReadExactlyAt(fs, (long)shoff, shdr);
            if (shnum == 0)
            {
                shnum = ReadU64(shdr, 32);
            }
            if (shstrndx == 0xFFFF)
            {
                shstrndx = ReadU32(shdr, 40);
            }
            if (shnum == 0 || shnum > (ulong)length / ShdrSize || !Fits(shoff, shnum * ShdrSize, length))
            {
                error = "section header table does not fit in the file";
                return null;
            }

            var sections = new List<Section>((int)shnum);
            var nameOffsets = new List<uint>((int)shnum);
            for (ulong i = 0; i < shnum; i++)
            {
                ReadExactlyAt(fs, (long)(shoff + i * ShdrSize), shdr);
                var s = new Section
                {
                    Type = ReadU32(shdr, 4),
                    Offset = ReadU64(shdr, 24),
                    Size = ReadU64(shdr, 32),
                    Link = ReadU32(shdr, 40),
                    Info = ReadU32(shdr, 44),
                };
                if (s.Type != ShtNoBits && s.Type != 0 && (!Fits(s.Offset, s.Size, length) || s.Size > int.MaxValue))
                {
                    error = "section " + i + " lies outside the file";
                    return null;
                }
                sections.Add(s);
                nameOffsets.Add(ReadU32(shdr, 0));
            }

            // Names are only used for messages; a missing .shstrtab is tolerated.
            if (shstrndx != 0 && shstrndx < sections.Count && sections[(int)shstrndx].Type != ShtNoBits)
            {
                byte[] names = ReadSection(fs, sections[(int)shstrndx]);
                for (int i = 0; i < sections.Count; i++)
                {
                    sections[i].Name = ReadString(names, nameOffsets[i]) ?? "";
                }
            }
            error = null;
            return sections;
        }

        // ---------------------------------------------------------------- small helpers

        private static ElfVersionNeedResult NotElf(string version, string? why) =>
            new ElfVersionNeedResult(ElfVersionNeedState.NotElf64, version, "not a valid ELF64 little-endian file: " + why);

        private static FileStream OpenRead(string path) =>
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);

        /// <summary>offset + size lies within [0, length], computed without overflow.</summary>
        private static bool Fits(ulong offset, ulong size, long length) =>
            offset <= (ulong)length && size <= (ulong)length - offset;

        private static bool Fits(long offset, int size, int length) =>
            offset >= 0 && offset <= length && size <= length - offset;

        private static byte[] ReadSection(FileStream fs, Section s)
        {
            byte[] data = new byte[s.Type == ShtNoBits ? 0 : (int)s.Size]; // bounds checked in ReadSections
            ReadExactlyAt(fs, (long)s.Offset, data);
            return data;
        }

        private static void ReadExactlyAt(FileStream fs, long offset, byte[] buffer)
        {
            fs.Seek(offset, SeekOrigin.Begin);
            int done = 0;
            while (done < buffer.Length)
            {
                int n = fs.Read(buffer, done, buffer.Length - done);
                if (n <= 0)
                {
                    throw new EndOfStreamException("unexpected end of file at " + (offset + done));
                }
                done += n;
            }
        }

        // Explicit little-endian decoding (BitConverter would follow the host's byte order).
        private static ushort ReadU16(byte[] b, long o) => (ushort)(b[o] | b[o + 1] << 8);

        private static uint ReadU32(byte[] b, long o) => (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);

        private static ulong ReadU64(byte[] b, long o) => ReadU32(b, o) | (ulong)ReadU32(b, o + 4) << 32;

        /// <summary>The NUL-terminated string at <paramref name="offset"/>, or null if it runs off the table.</summary>
        private static string? ReadString(byte[] table, uint offset)
        {
            if (offset >= table.Length)
            {
                return null;
            }
            int end = Array.IndexOf(table, (byte)0, (int)offset);
            return end < 0 ? null : Encoding.ASCII.GetString(table, (int)offset, end - (int)offset);
        }

        /// <summary>The string at <paramref name="offset"/> is exactly <paramref name="wanted"/> (followed by its NUL).</summary>
        private static bool StringEquals(byte[] table, uint offset, byte[] wanted) =>
            (long)offset + wanted.Length < table.Length
            && table[offset + wanted.Length] == 0
            && BytesEqual(table, offset, wanted);

        private static bool BytesEqual(byte[] haystack, long at, byte[] needle)
        {
            for (int k = 0; k < needle.Length; k++)
            {
                if (haystack[at + k] != needle[k])
                {
                    return false;
                }
            }
            return true;
        }

        /// <summary>Replaces <paramref name="target"/> by renaming <paramref name="source"/> over it.</summary>
        private static void MoveOverwrite(string source, string target)
        {
#if NETCOREAPP3_0_OR_GREATER
            File.Move(source, target, overwrite: true);
#else
            // MSBuild compiles inline tasks against netstandard2.0, which lacks this overload even
            // though the task then runs on .NET; bind to it at run time. (Both it and the
            // File.Replace fallback are a rename(2) on Unix: the old inode is left untouched.)
            System.Reflection.MethodInfo? move = typeof(File).GetMethod(
                "Move", new[] { typeof(string), typeof(string), typeof(bool) });
            if (move == null)
            {
                File.Replace(source, target, null);
                return;
            }
            try
            {
                move.Invoke(null, new object[] { source, target, true });
            }
            catch (System.Reflection.TargetInvocationException e) when (e.InnerException != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            }
#endif
        }
    }

#if !ELF_PATCHER_NO_MSBUILD
    /// <summary>
    /// MSBuild task: marks <see cref="Version"/> weak in each of <see cref="Files"/> when the
    /// system libstdc++ does not define it. See build/TorchSharpNativePatch.targets.
    /// </summary>
    public sealed class JengaPatchLibTorchSharp : Microsoft.Build.Utilities.Task
    {
        [Required]
        public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>The symbol version to make optional.</summary>
        public string Version { get; set; } = "GLIBCXX_3.4.32";

        /// <summary>Where the files are, for the log ("build output", "publish output").</summary>
        public string Context { get; set; } = "output";

        [Output]
        public ITaskItem[] PatchedFiles { get; set; } = Array.Empty<ITaskItem>();

        public override bool Execute()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || Files.Length == 0)
            {
                return true;
            }

            bool? defined = ElfVersionNeedPatcher.SystemLibStdCxxDefines(Version, out string? libstdcxx);
            if (defined == true)
            {
                Log.LogMessage(MessageImportance.Normal,
                    "JengaFleet: libLibTorchSharp.so left unchanged in the {0}: the system libstdc++ ({1}) defines {2}.",
                    Context, libstdcxx, Version);
                return true;
            }
            string why = libstdcxx == null
                ? "no system libstdc++.so.6 was found"
                : "the system libstdc++ (" + libstdcxx + ") has no " + Version;

            var patched = new List<ITaskItem>();
            var notes = new List<string>();
            foreach (ITaskItem item in Files)
            {
                string path = item.GetMetadata("FullPath");
                ElfVersionNeedResult result;
                try
                {
                    result = ElfVersionNeedPatcher.MarkWeak(path, Version);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is InvalidDataException)
                {
                    Log.LogWarning(null, "JENGA001", null, path, 0, 0, 0, 0,
                        "JengaFleet: could not mark {0} weak in {1}: {2}. TorchSharp may fail to load on this machine.",
                        Version, path, e.Message);
                    continue;
                }
                if (result.State == ElfVersionNeedState.Patched)
                {
                    patched.Add(item);
                }
                else if (result.State == ElfVersionNeedState.NotElf64)
                {
                    Log.LogMessage(MessageImportance.High, "JengaFleet: {0} not changed: {1}.", path, result.Detail);
                }
                else
                {
                    notes.Add(path + ": " + result.Detail); // already weak (patched earlier), or not required
                }
            }
            PatchedFiles = patched.ToArray();

            if (patched.Count > 0)
            {
                var names = new List<string>();
                foreach (ITaskItem item in patched)
                {
                    names.Add(item.GetMetadata("FullPath"));
                }
                Log.LogMessage(MessageImportance.High,
                    "JengaFleet: marked the {0} requirement of {1} as weak in the {2} because {3}; "
                    + "this TorchSharp native library was built with GCC 13 and would otherwise fail to load. "
                    + "Set JengaPatchLibTorchSharp=false to disable.",
                    Version, string.Join(", ", names), Context, why);
            }
            foreach (string note in notes)
            {
                Log.LogMessage(MessageImportance.Normal, "JengaFleet: left unchanged: {0}.", note);
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
