package io.kubegpu.app.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Compiles the JDK's TLS record decryption before the extender says ready. Every watch event from the API server
 * arrives as TLS 1.3 records sealed with AES-GCM; a fresh extender's C2 compiler spent a second of CPU on
 * {@code GaloisCounterMode$GCMDecrypt.doFinal} during its first 1,000 real pods (JFR's compilation events on the
 * scheduler harness), because the synthetic warm-up's traffic is plain loopback HTTP. This opens records exactly as
 * the JDK's TLS 1.3 read cipher does — a fresh nonce per record, the record header as additional data, decrypted in
 * place in a heap buffer — with a throwaway key, so the same JCA code is hot when the real records come.
 */
final class TlsRecordWarmUp {
    /** TLS 1.3's application-data record header (type 23, legacy version 3.3), the AES-GCM additional data. */
    private static final byte[] HEADER = {23, 3, 3, 0, 0};
    private static final int TAG_BITS = 128;
    private static final String EVENT = "{\"type\":\"MODIFIED\",\"object\":{}}\n";

    private TlsRecordWarmUp() {
    }

    /**
     * Opens {@code records} records of watch-event sizes (0.5 to 16 KiB, a record's most).
     *
     * @return the plaintext bytes opened, so the work cannot be optimised away and the caller can report it
     */
    static long open(int records) throws GeneralSecurityException {
        SecretKeySpec key = new SecretKeySpec(new byte[16], "AES");
        int[] sizes = {512, 2_048, 4_096, 7_000, 16_384};
        byte[][] sealed = new byte[sizes.length][];
        byte[] nonce = new byte[12];
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        for (int i = 0; i < sizes.length; i++) {
            byte[] plain = EVENT.repeat(sizes[i] / EVENT.length() + 1).substring(0, sizes[i]).getBytes(StandardCharsets.US_ASCII);
            nonce[0] = (byte) i;
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(HEADER);
            sealed[i] = cipher.doFinal(plain);
        }
        long opened = 0;
        for (int r = 0; r < records; r++) {
            int i = r % sizes.length;
            nonce[0] = (byte) i;
            // As SSLCipher's T13GcmReadCipher: init per record, header as AAD, doFinal from a duplicate into the same buffer.
            ByteBuffer record = ByteBuffer.wrap(sealed[i].clone());
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce.clone()));
            cipher.updateAAD(HEADER);
            opened += cipher.doFinal(record.duplicate(), record);
        }
        return opened;
    }
}
