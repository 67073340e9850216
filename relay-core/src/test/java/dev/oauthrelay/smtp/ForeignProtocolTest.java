package dev.oauthrelay.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ForeignProtocolTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "GET / HTTP/1.1", "GET /", "POST /submit HTTP/1.0", "CONNECT mail.example.com:25 HTTP/1.1",
        "HEAD /index.html HTTP/1.1", "OPTIONS * HTTP/1.1", "PRI * HTTP/2.0", "PROPFIND /dav HTTP/1.1",
        "Host: relay.example.com", "User-Agent: Mozilla/5.0", "Content-Type: text/plain", "Content-Length:0",
        "Subject: hello", "X-Forwarded-For: 10.0.0.1"})
    void httpAndHeaderLinesAreForeign(String line) {
        assertThat(ForeignProtocol.matches(line)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "get / http/1.1", "GETX /", "XCLIENT ADDR=192.0.2.1", "BDAT 100 LAST", "TURN", "", "   ",
        "AHByaW50ZXIAd3Jvbmc=", "hello world", "GET", ": no name", "1abc: starts with a digit"})
    void otherUnknownLinesAreNot(String line) {
        assertThat(ForeignProtocol.matches(line)).isFalse();
    }
}
