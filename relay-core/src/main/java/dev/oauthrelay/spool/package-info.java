/**
 * The durable on-disk queue ("spool") for accepted messages. The SMTP layer may answer {@code 250}
 * only after {@link dev.oauthrelay.spool.SpoolWriter#commit()} has returned, because only then is
 * the message on stable storage and visible in {@code queue/}; everything else here exists to keep
 * that promise across crashes and to detect any entry that is not exactly what was committed.
 *
 * <h2>Layout</h2>
 * <pre>
 * &lt;dataDir&gt;/spool/tmp/         messages being received ({@code <id>.msg}); deleted at start-up
 * &lt;dataDir&gt;/spool/queue/       committed entries ({@code <id>.msg}), one file per message
 * &lt;dataDir&gt;/spool/quarantine/  damaged entries moved aside by {@link dev.oauthrelay.spool.Spool#recover()}
 * &lt;dataDir&gt;/spool/state/       delivery state of queued entries ({@code <id>.state}, see {@link dev.oauthrelay.spool.DeliveryState})
 * &lt;dataDir&gt;/spool/deadletter/  entries that failed for good ({@code <id>.msg}), each with a report
 *                              ({@code <id>.report}) and its final delivery state ({@code <id>.state}),
 *                              until an operator deletes or releases it
 * </pre>
 *
 * <h2>Entry file format, version 1</h2>
 * <pre>
 * RELAY-SPOOL 1 CRLF                         magic line with the format version
 * id: 01J0ZK3V8Q4M7XR2 CRLF                  envelope: one "key: value" line per field
 * received: 2024-06-01T10:15:30.123Z CRLF    ISO-8601 instant
 * identity: scanner-2nd-floor CRLF
 * identity-kind: account CRLF                "account" or "trusted-network"
 * mailbox: scanner@contoso.com CRLF
 * mail-from: scanner@contoso.com CRLF        empty value for the null sender &lt;&gt;
 * mail-param: SIZE=1234 CRLF                 zero or more, in order
 * rcpt: alice@contoso.com CRLF               one or more, in order
 * client: 192.0.2.10 CRLF
 * helo: printer01 CRLF
 * tls: TLSv1.3 CRLF                          or "none"
 * CRLF                                       blank line: end of the envelope section
 * body                                       exactly the bytes passed to SpoolWriter.write
 * CRLF "RELAY-END " LLLLLLLLLLLLLLLL " " CCCCCCCC CRLF
 *                                            39-byte trailer: body length as 16 uppercase hex
 *                                            digits, CRC32C as 8 uppercase hex digits
 * </pre>
 * Values are UTF-8; {@code %}, CR, LF and every other control character are written as
 * {@code %XX} escapes of their UTF-8 bytes, so no value can start a new line or key. Keys may
 * appear in any order; single-valued keys exactly once; unknown keys are an error (a new key means
 * a new format version). The CRC32C covers every byte from the magic line to the last body byte.
 *
 * <p>A file is valid only if all of these hold: the magic line, a blank line ending the envelope
 * within 1 MiB, the trailer at the
 * exact end of the file, a body length equal to what lies between envelope and trailer, a matching
 * checksum, a well-formed envelope, and an envelope id equal to the file name. As in Postfix, it is
 * the explicit end record that makes a file valid: the writer forces the data to disk before the
 * rename into {@code queue/}, so a file there without a valid trailer is damage, never a write in
 * progress. Per-recipient delivery state is deliberately not part of this file.
 */
package dev.oauthrelay.spool;
