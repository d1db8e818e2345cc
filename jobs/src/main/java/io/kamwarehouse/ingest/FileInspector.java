package io.kamwarehouse.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.contracts.Contract;

/**
 * Looks inside a raw file before Spark reads it: its encoding, its header (CSV) or keys (JSON
 * Lines), and its checksum. Works on any Hadoop file system, so landing can be object storage.
 */
public final class FileInspector {

    /** How much of a file is sampled to decide its encoding and header. */
    static final int SAMPLE_BYTES = 1 << 20;
    private static final int JSON_SAMPLE_LINES = 200;
    static final Charset GBK = Charset.forName("GBK");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Configuration hadoopConf;

    public FileInspector(final Configuration hadoopConf) {
        this.hadoopConf = hadoopConf;
    }

    /** What was found: the charset to read with, whether a BOM is present, the header names. */
    public record Inspection(Charset charset, boolean bom, List<String> header, boolean empty, String note) {
    }

    /** SHA-256 of the whole file, hex. */
    public String checksum(final String path) {
        try (InputStream in = open(path)) {
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            final byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Excel sheets read by {@link #inspect}, kept for {@link #takeSheet} (path and contract). */
    private final Map<String, XlsxSheet> sheets = new java.util.HashMap<>();

    /** Inspects a CSV, Excel (.xlsx) or JSON Lines file for a contract; Parquet headers come from Spark. */
    public Inspection inspect(final String path, final Contract contract) {
        if (Contract.isExcel(path)) {
            final XlsxSheet sheet = sheet(path, contract);
            sheets.put(path + "\n" + contract.qualifiedName(), sheet);
            final boolean empty = sheet.header().isEmpty() || sheet.rows().isEmpty();
            return new Inspection(StandardCharsets.UTF_8, false, sheet.header(), empty,
                    sheet.header().isEmpty() ? "the sheet is empty" : sheet.note(path) + (empty ? ", no rows below it" : ""));
        }
        final byte[] sample = readSample(path);
        if (isBlank(sample)) {
            return new Inspection(StandardCharsets.UTF_8, false, List.of(), true, "file is empty");
        }
        final boolean bom = sample.length >= 3 && (sample[0] & 0xFF) == 0xEF && (sample[1] & 0xFF) == 0xBB
                && (sample[2] & 0xFF) == 0xBF;
        final Charset charset = detectCharset(path, sample, bom, contract.encoding(),
                contract.format() == Contract.Format.JSONL);
        String note = null;
        if ("gbk".equals(contract.encoding()) && charset.equals(StandardCharsets.UTF_8) && hasNonAscii(sample)) {
            note = "declared GBK but the file is UTF-8; read as UTF-8";
        }
        final String text = decodeLenient(sample, charset, bom);
        final List<String> header;
        if (contract.format() == Contract.Format.JSONL) {
            header = jsonKeys(path, text);
        } else if (!contract.header()) {
            // no header line: the fields come in the contract's column order
            header = contract.positionalHeader();
        } else {
            final String firstLine = firstRecord(text);
            header = contract.whitespaceDelimited() ? List.of(firstLine.trim().split("\\s+"))
                    : splitCsvLine(firstLine, contract.delimiter().charAt(0));
        }
        final boolean empty = contract.format() == Contract.Format.CSV && (contract.header() ? !hasSecondRecord(text) : text.isBlank());
        return new Inspection(charset, bom, header, empty || header.isEmpty(), empty ? "file has a header but no rows" : note);
    }

    private Charset detectCharset(final String path, final byte[] sample, final boolean bom, final String declared,
            final boolean jsonl) {
        if (bom) {
            return StandardCharsets.UTF_8;
        }
        final int utf8Error = firstUndecodable(sample, StandardCharsets.UTF_8);
        if (utf8Error < 0) {
            return StandardCharsets.UTF_8;
        }
        if ("utf-8".equals(declared) || jsonl) {
            throw new KamwException("cannot read " + path + ": it is not valid UTF-8 (byte 0x"
                    + String.format("%02X", sample[utf8Error]) + " at offset " + utf8Error + ")"
                    + (firstUndecodable(sample, GBK) < 0 ? "; it looks GBK-encoded: set 'encoding: gbk' in the contract or re-export as UTF-8"
                            : "; re-export it as UTF-8 or GBK"));
        }
        final int gbkError = firstUndecodable(sample, GBK);
        if (gbkError < 0) {
            final int[] rare = rareGbk(sample);
            if (rare[1] >= 2 && rare[0] * 2 >= rare[1]) {
                throw new KamwException("cannot read " + path + ": it decodes as GBK only into rare characters (" + rare[0] + " of its "
                        + rare[1] + " non-ASCII characters are outside everyday Chinese, e.g. '"
                        + new String(sample, rare[2], 2, GBK) + "' from bytes " + String.format("%02X %02X", sample[rare[2]], sample[rare[2] + 1])
                        + "), which is what Latin-1 or Windows-1252 text looks like in GBK; re-export it as UTF-8");
            }
            return GBK;
        }
        throw new KamwException("cannot read " + path + ": it is neither UTF-8 nor GBK (undecodable byte at offset "
                + gbkError + "); re-export it as UTF-8");
    }

    /**
     * GBK characters of {@code bytes} outside GB2312 (lead byte 0xA1-0xF7 and trail byte 0xA1-0xFE:
     * the everyday characters real Chinese text is made of), all double-byte characters, and the
     * offset of the first rare one. Latin-1 accented letters followed by a letter (é then t: E9 74)
     * read as GBK are such rare characters.
     */
    static int[] rareGbk(final byte[] bytes) {
        int rare = 0;
        int all = 0;
        int first = -1;
        for (int i = 0; i < bytes.length - 1; i++) {
            final int lead = bytes[i] & 0xFF;
            if (lead < 0x81 || lead == 0xFF) {
                continue;
            }
            final int trail = bytes[i + 1] & 0xFF;
            all++;
            if (!(lead >= 0xA1 && lead <= 0xF7 && trail >= 0xA1 && trail <= 0xFE)) {
                rare++;
                first = first < 0 ? i : first;
            }
            i++;
        }
        return new int[] {rare, all, first};
    }

    /** Offset of the first byte that does not decode, ignoring a sequence cut at the sample's end; -1 when all decode. */
    static int firstUndecodable(final byte[] bytes, final Charset charset) {
        final CharsetDecoder decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        final ByteBuffer in = ByteBuffer.wrap(bytes);
        final CharBuffer out = CharBuffer.allocate(bytes.length + 16);
        final CoderResult r = decoder.decode(in, out, false);
        if (r.isError()) {
            return in.position();
        }
        return -1;
    }

    private static boolean hasNonAscii(final byte[] bytes) {
        for (final byte b : bytes) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }

    private static String decodeLenient(final byte[] sample, final Charset charset, final boolean bom) {
        final int skip = bom ? 3 : 0;
        try {
            final CharsetDecoder decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
            return decoder.decode(ByteBuffer.wrap(sample, skip, sample.length - skip)).toString();
        } catch (final CharacterCodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> jsonKeys(final String path, final String text) {
        final Set<String> keys = new LinkedHashSet<>();
        int lines = 0;
        for (final String line : text.split("\r?\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (++lines > JSON_SAMPLE_LINES) {
                break;
            }
            try {
                final Map<?, ?> obj = JSON.readValue(line, Map.class);
                obj.keySet().forEach(k -> keys.add(String.valueOf(k)));
            } catch (final IOException e) {
                // A malformed line is quarantined later; keys come from the lines that parse.
                continue;
            }
        }
        if (keys.isEmpty() && lines > 0) {
            throw new KamwException("cannot read " + path + ": none of its first lines is a JSON object; "
                    + "JSON Lines files hold one object per line");
        }
        return new ArrayList<>(keys);
    }

    private static boolean isBlank(final byte[] sample) {
        for (final byte b : sample) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    /** The first record of CSV text (up to the first line break outside quotes). */
    static String firstRecord(final String text) {
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            final char ch = text.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            } else if ((ch == '\n' || ch == '\r') && !quoted) {
                return text.substring(0, i);
            }
        }
        return text;
    }

    private static boolean hasSecondRecord(final String text) {
        final String first = firstRecord(text);
        return !text.substring(first.length()).isBlank();
    }

    /** Splits one CSV record (RFC 4180 quoting) into trimmed fields. */
    static List<String> splitCsvLine(final String line, final char delimiter) {
        final List<String> out = new ArrayList<>();
        final StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            final char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == delimiter) {
                out.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString().trim());
        return out;
    }

    /** The sheet {@link #inspect} read (once), else read now. */
    XlsxSheet takeSheet(final String path, final Contract contract) {
        final XlsxSheet kept = sheets.remove(path + "\n" + contract.qualifiedName());
        return kept != null ? kept : sheet(path, contract);
    }

    private XlsxSheet sheet(final String path, final Contract contract) {
        try (InputStream in = open(path)) {
            return XlsxSheet.read(in, path, contract);
        } catch (final IOException e) {
            throw new KamwException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private byte[] readSample(final String path) {
        try (InputStream in = open(path)) {
            return in.readNBytes(SAMPLE_BYTES);
        } catch (final IOException e) {
            throw new KamwException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private InputStream open(final String path) throws IOException {
        final Path p = new Path(path);
        final FileSystem fs = p.getFileSystem(hadoopConf);
        return fs.open(p);
    }
}
