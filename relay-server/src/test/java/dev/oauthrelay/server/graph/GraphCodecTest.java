package dev.oauthrelay.server.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The streaming pieces of the Graph path: base64 out, quoted-printable in, MIME parts and parameters. */
class GraphCodecTest {

    @Test
    void base64StreamEqualsTheJdkEncoderAtEverySizeAroundItsBuffer() throws IOException {
        Random random = new Random(7);
        for (int n : new int[] {0, 1, 2, 3, 4, 3071, 3072, 3073, 6144, 10_000}) {
            byte[] data = new byte[n];
            random.nextBytes(data);
            byte[] encoded = new Base64InputStream(new ByteArrayInputStream(data)).readAllBytes();
            assertThat(encoded).as("n=%d", n).isEqualTo(Base64.getEncoder().encode(data));
            assertThat(Base64InputStream.encodedLength(n)).isEqualTo(encoded.length);
        }
    }

    @Test
    void quotedPrintableIsDecodedWithSoftLineBreaks() throws IOException {
        String qp = "caf=C3=A9 =3D equal=\r\n continues\r\nnext line =XY stays\r\n";
        byte[] out = new QuotedPrintableInputStream(new ByteArrayInputStream(qp.getBytes(StandardCharsets.US_ASCII)))
                .readAllBytes();
        assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("café = equal continues\r\nnext line =XY stays\r\n");
    }

    @Test
    void parametersAreReadQuotedPlainOrRfc2231() {
        assertThat(MimeParts.parameter("multipart/mixed; boundary=\"----=_Part_1\"", "boundary")).isEqualTo("----=_Part_1");
        assertThat(MimeParts.parameter("multipart/mixed;boundary=abc; charset=x", "boundary")).isEqualTo("abc");
        assertThat(MimeParts.parameter("attachment; filename=\"scan \\\"1\\\".pdf\"", "filename")).isEqualTo("scan \"1\".pdf");
        assertThat(MimeParts.parameter("attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf; filename=resume.pdf", "filename"))
                .isEqualTo("résumé.pdf");
        assertThat(MimeParts.parameter("application/pdf; name=report.pdf", "filename")).isNull();
        assertThat(MimeParts.parameter(null, "name")).isNull();
    }

    @Test
    void topLevelPartsAreFoundWithTheirOffsetsAndNestedOnesAreNotEntered() throws IOException {
        String body = "preamble\r\n"
                + "--b1\r\n"
                + "Content-Type: multipart/alternative; boundary=b2\r\n\r\n"
                + "--b2\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b2--\r\n"
                + "\r\n--b1\r\n"
                + "Content-Type: application/pdf;\r\n name=\"scan.pdf\"\r\n"
                + "Content-Disposition: attachment\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n"
                + "JVBERi0=\r\n"
                + "--b1  \r\n"
                + "Content-Type: image/png\r\nContent-Disposition: inline; filename=logo.png\r\nContent-ID: <logo@x>\r\n\r\n"
                + "PNG\r\n"
                + "--b1--\r\nepilogue\r\n";
        String message = "Subject: scan\r\nContent-Type: multipart/mixed;\r\n\tboundary=\"b1\"\r\n\r\n" + body;
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);

        List<MimeParts.Part> parts = MimeParts.scan(new ByteArrayInputStream(bytes));

        assertThat(parts).hasSize(3);
        assertThat(parts.get(0).detachable()).as("a nested multipart").isFalse();
        MimeParts.Part pdf = parts.get(1);
        assertThat(pdf.fileName()).isEqualTo("scan.pdf");
        assertThat(pdf.mediaType()).isEqualTo("application/pdf");
        assertThat(pdf.transferEncoding()).isEqualTo("base64");
        assertThat(pdf.detachable()).isTrue();
        assertThat(content(bytes, pdf)).isEqualTo("JVBERi0=");
        assertThat(message.substring((int) pdf.start(), (int) pdf.start() + 6)).isEqualTo("--b1\r\n");
        MimeParts.Part png = parts.get(2);
        assertThat(png.inline()).isTrue();
        assertThat(png.contentId()).isEqualTo("logo@x");
        assertThat(content(bytes, png)).isEqualTo("PNG");

        // Taking a part out leaves a well-formed multipart.
        String without = message.substring(0, (int) pdf.start()) + message.substring((int) (pdf.start() + pdf.removedLength()));
        assertThat(without).contains("--b2--\r\n\r\n--b1  \r\nContent-Type: image/png").doesNotContain("scan.pdf");
        assertThat(MimeParts.scan(new ByteArrayInputStream(without.getBytes(StandardCharsets.ISO_8859_1)))).hasSize(2);
    }

    @Test
    void aSinglePartMessageOrATruncatedMultipartHasNoParts() throws IOException {
        assertThat(MimeParts.scan(stream("Subject: x\r\n\r\nbody\r\n"))).isEmpty();
        assertThat(MimeParts.scan(stream("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\npart\r\n"))).isEmpty();
    }

    @Test
    void headersAreUnfoldedWithLowerCaseNamesAndTheFirstOfEachKept() {
        Map<String, String> h = MimeParts.headers(("Content-Type: text/plain;\r\n charset=utf-8\r\n"
                + "X-A: 1\r\nx-a: 2\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(h).containsEntry("content-type", "text/plain; charset=utf-8").containsEntry("x-a", "1");
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String content(byte[] bytes, MimeParts.Part p) {
        return new String(bytes, (int) p.bodyStart(), (int) p.contentLength(), StandardCharsets.ISO_8859_1);
    }
}
