package org.otlpanalytics.operators.logs;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A body's masked tokens ({@link LogMasker#tokenize}) written as references into the body they were
 * masked from, so that tokens computed before the logs shuffle cross it in a few bytes beside the body
 * rather than as a second copy of its text ({@link LogRecordFlatSerializer}, version 2).
 *
 * <p>Reader and writer walk the body with the same cursor. One op per token, a varint:
 * <ul>
 *   <li>{@code 2s} (even): skip {@code s} whitespace-separated words from the cursor, and the token is
 *       the next word, verbatim (most unmasked tokens: one byte);
 *   <li>{@code 1}: the token is {@code <*>} (the cursor stays);
 *   <li>{@code 3}: any other token, as {@code k} (varint, its {@code <*>} count) and its {@code k + 1}
 *       pieces between them, each {@code 0} (empty), {@code 2n} then a varint gap: the {@code n}
 *       characters of the body that many characters after the cursor (which moves past them), or
 *       {@code 2n + 1} then {@code n} UTF-16 characters (a piece the body does not hold after the
 *       cursor, e.g. a replacement of a user's regex rule).
 * </ul>
 * Any token array comes back equal, whatever its relation to the body; only the size depends on it.
 * A read checks every reference against the body and throws {@link IOException} on a bad one.
 */
final class MaskedTokensCodec {
    /** How many words the writer looks ahead for a verbatim token (the masked words a {@code <*>} stands for). */
    private static final int MAX_SKIP = 8;
    private static final int WILDCARD_OP = 1;
    private static final int PIECES_OP = 3;
    /** A bound on a read's array, against corrupt input (masking yields at most one token per body character, plus one). */
    private static final int MAX_TOKENS = 1 << 24;

    private MaskedTokensCodec() {}

    /** Writes {@code tokens} relative to {@code body} (null is the empty body). */
    static void write(DataOutput out, String body, String[] tokens) throws IOException {
        String b = body == null ? "" : body;
        writeVarint(out, tokens.length);
        int cursor = 0;
        for (String t : tokens) {
            if (TemplateTokens.isWildcard(t)) {
                writeVarint(out, WILDCARD_OP);
                continue;
            }
            int at = cursor;
            int skipped = -1;
            for (int s = 0; s <= MAX_SKIP; s++) {
                int start = wordStart(b, at);
                if (start == b.length()) {
                    break;
                }
                int end = wordEnd(b, start);
                if (end - start == t.length() && b.startsWith(t, start)) {
                    skipped = s;
                    cursor = end;
                    break;
                }
                at = end;
            }
            if (skipped >= 0) {
                writeVarint(out, 2 * skipped);
            } else {
                writeVarint(out, PIECES_OP);
                cursor = writePieces(out, b, t, cursor);
            }
        }
    }

    /** The tokens {@link #write} wrote for {@code body}. */
    static String[] read(DataInput in, String body) throws IOException {
        String b = body == null ? "" : body;
        int n = readVarint(in);
        if (n > MAX_TOKENS) {
            throw new IOException("masked token count " + n + " for a body of " + b.length() + " characters");
        }
        String[] tokens = new String[n];
        int cursor = 0;
        for (int i = 0; i < n; i++) {
            int op = readVarint(in);
            if (op == WILDCARD_OP) {
                tokens[i] = TemplateTokens.WILDCARD;
            } else if (op == PIECES_OP) {
                StringBuilder sb = new StringBuilder();
                int k = readVarint(in);
                for (int p = 0; p <= k; p++) {
                    if (p > 0) {
                        sb.append(TemplateTokens.WILDCARD);
                    }
                    cursor = readPiece(in, b, cursor, sb);
                }
                tokens[i] = k == 1 && sb.length() == TemplateTokens.WILDCARD.length() ? TemplateTokens.WILDCARD : sb.toString();
            } else if ((op & 1) == 0) {
                int at = cursor;
                for (int s = op / 2; s > 0; s--) {
                    at = wordEnd(b, wordStart(b, at));
                }
                int start = wordStart(b, at);
                if (start == b.length()) {
                    throw new IOException("masked token refers past the end of its body");
                }
                cursor = wordEnd(b, start);
                tokens[i] = b.substring(start, cursor);
            } else {
                throw new IOException("unknown masked token op " + op);
            }
        }
        return tokens;
    }

    private static int writePieces(DataOutput out, String b, String t, int cursor) throws IOException {
        int k = 0;
        for (int w = t.indexOf(TemplateTokens.WILDCARD); w >= 0; w = t.indexOf(TemplateTokens.WILDCARD, w + TemplateTokens.WILDCARD.length())) {
            k++;
        }
        writeVarint(out, k);
        int from = 0;
        for (int p = 0; p <= k; p++) {
            int w = p < k ? t.indexOf(TemplateTokens.WILDCARD, from) : t.length();
            String piece = t.substring(from, w);
            from = w + TemplateTokens.WILDCARD.length();
            if (piece.isEmpty()) {
                writeVarint(out, 0);
                continue;
            }
            int at = b.indexOf(piece, cursor);
            if (at >= 0) {
                writeVarint(out, 2 * piece.length());
                writeVarint(out, at - cursor);
                cursor = at + piece.length();
            } else {
                writeVarint(out, 2 * piece.length() + 1);
                out.writeChars(piece); // UTF-16 as is: lossless for any string, lone surrogates included
            }
        }
        return cursor;
    }

    private static int readPiece(DataInput in, String b, int cursor, StringBuilder sb) throws IOException {
        int code = readVarint(in);
        if (code == 0) {
            return cursor;
        }
        int n = code >>> 1;
        if ((code & 1) == 1) {
            for (int c = 0; c < n; c++) {
                sb.append(in.readChar());
            }
            return cursor;
        }
        int start = cursor + readVarint(in);
        if (start < cursor || start + n > b.length() || start + n < start) {
            throw new IOException("masked token piece [" + start + ", +" + n + ") outside its body of " + b.length() + " characters");
        }
        sb.append(b, start, start + n);
        return start + n;
    }

    /** The first non-whitespace character at or after {@code i}, or the body's length. */
    private static int wordStart(String b, int i) {
        int n = b.length();
        while (i < n && Character.isWhitespace(b.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The first whitespace character at or after {@code i}, or the body's length. */
    private static int wordEnd(String b, int i) {
        int n = b.length();
        while (i < n && !Character.isWhitespace(b.charAt(i))) {
            i++;
        }
        return i;
    }

    static void writeVarint(DataOutput out, int v) throws IOException {
        while ((v & ~0x7F) != 0) {
            out.writeByte((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.writeByte(v);
    }

    static int readVarint(DataInput in) throws IOException {
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (v < 0) {
                    throw new IOException("negative varint");
                }
                return v;
            }
        }
        throw new IOException("varint longer than 5 bytes");
    }
}
