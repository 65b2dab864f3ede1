package dev.bedside.eval.readability;

/**
 * Folds accented and look-alike letters to plain ASCII letters, one UTF-16 unit at a time, the way the npm
 * package {@code normalize-strings} 1.1.1 does before {@code syllable} counts anything
 * ({@code café} → {@code cafe}).
 *
 * <p>The table below is data taken from {@code normalize-strings} 1.1.1 ({@code charmap.json}; MIT licence,
 * Pablo Terradillos and contributors; see {@code eval/THIRD-PARTY-NOTICES.md}). It must match exactly, because a
 * letter it does not fold is not a letter for the syllable counter. Units outside the table are kept as they are.
 */
final class AsciiFolding {
    private AsciiFolding() {}

    /** Entries {@code HHHH:L}: the UTF-16 unit with hex code HHHH becomes the ASCII letter L. */
    private static final String TABLE = """
            0069:i 00C0:A 00C1:A 00C2:A 00C3:A 00C4:A 00C5:A 00C7:C 00C8:E 00C9:E
            00CA:E 00CB:E 00CC:I 00CD:I 00CE:I 00CF:I 00D1:N 00D2:O 00D3:O 00D4:O
            00D5:O 00D6:O 00D8:O 00D9:U 00DA:U 00DB:U 00DC:U 00DD:Y 00E0:a 00E1:a
            00E2:a 00E3:a 00E4:a 00E5:a 00E7:c 00E8:e 00E9:e 00EA:e 00EB:e 00EC:i
            00ED:i 00EE:i 00EF:i 00F1:n 00F2:o 00F3:o 00F4:o 00F5:o 00F6:o 00F8:o
            00F9:u 00FA:u 00FB:u 00FC:u 00FD:y 00FF:y 0100:A 0101:a 0102:A 0103:a
            0104:A 0105:a 0106:C 0107:c 0108:C 0109:c 010A:C 010B:c 010C:C 010D:c
            010E:D 010F:d 0110:D 0111:d 0112:E 0113:e 0114:E 0115:e 0116:E 0117:e
            0118:E 0119:e 011A:E 011B:e 011C:G 011D:g 011E:G 011F:g 0120:G 0121:g
            0122:G 0123:g 0124:H 0125:h 0126:H 0127:h 0128:I 0129:i 012A:I 012B:i
            012C:I 012D:i 012E:I 012F:i 0130:I 0134:J 0135:j 0136:K 0137:k 0139:L
            013A:l 013B:L 013C:l 013D:L 013E:l 013F:L 0140:l 0141:L 0142:l 0143:N
            0144:n 0145:N 0146:n 0147:N 0148:n 014C:O 014D:o 014E:O 014F:o 0150:O
            0151:o 0152:O 0153:o 0154:R 0155:r 0156:R 0157:r 0158:R 0159:r 015A:S
            015B:s 015C:S 015D:s 015E:S 015F:s 0160:S 0161:s 0162:T 0163:t 0164:T
            0165:t 0166:T 0167:t 0168:U 0169:u 016A:U 016B:u 016C:U 016D:u 016E:U
            016F:u 0170:U 0171:u 0172:U 0173:u 0174:W 0175:w 0176:Y 0177:y 0178:Y
            0179:Z 017A:z 017B:Z 017C:z 017D:Z 017E:z 0180:b 0181:B 0182:B 0183:b
            0186:O 0187:C 0188:c 0189:D 018A:D 018B:D 018C:d 018E:E 0190:E 0191:F
            0192:f 0193:G 0197:I 0198:K 0199:k 019A:l 019C:M 019D:N 019E:n 019F:O
            01A0:O 01A1:o 01A4:P 01A5:p 01A6:R 01AB:t 01AC:T 01AD:t 01AE:T 01AF:U
            01B0:u 01B2:V 01B3:Y 01B4:y 01B5:Z 01B6:z 01CD:A 01CE:a 01CF:I 01D0:i
            01D1:O 01D2:o 01D3:U 01D4:u 01DD:e 01E4:G 01E5:g 01E6:G 01E7:g 01E8:K
            01E9:k 01EA:O 01EB:o 01F4:G 01F5:g 01F8:N 01F9:n 0200:A 0201:a 0202:A
            0203:a 0204:E 0205:e 0206:E 0207:e 0208:I 0209:i 020A:I 020B:i 020C:O
            020D:o 020E:O 020F:o 0210:R 0211:r 0212:R 0213:r 0214:U 0215:u 0216:U
            0217:u 0218:S 0219:s 021A:T 021B:t 021E:H 021F:h 0220:N 0221:d 0224:Z
            0225:z 0226:A 0227:a 0228:E 0229:e 022E:O 022F:o 0232:Y 0233:y 0234:l
            0235:n 0236:t 0237:j 023A:A 023B:C 023C:c 023D:L 023E:T 023F:s 0240:z
            0243:B 0244:U 0245:V 0246:E 0247:e 0248:J 0249:j 024A:Q 024B:q 024C:R
            024D:r 024E:Y 024F:y 0250:a 0251:a 0253:b 0254:o 0255:c 0256:d 0257:d
            0258:e 025B:e 025C:e 025D:e 025E:e 025F:j 0260:g 0261:g 0262:g 0265:h
            0266:h 0268:i 026A:i 026B:l 026C:l 026D:l 026F:m 0270:m 0271:m 0272:n
            0273:n 0274:n 0275:o 0279:r 027A:r 027B:r 027C:r 027D:r 027E:r 027F:r
            0280:r 0281:r 0282:s 0287:t 0288:t 0289:u 028B:v 028C:v 028D:w 028E:y
            028F:y 0290:z 0291:z 0297:c 0299:b 029A:e 029B:g 029C:h 029D:j 029E:k
            029F:l 02A0:q 02AE:h 02B0:h 02B2:j 02B3:r 02B4:r 02B6:r 02B7:w 02B8:y
            02E1:l 02E2:s 02E3:x 030C:v 033D:x 0353:x 0363:a 0364:e 0365:i 0366:o
            0367:u 0368:c 0369:d 036A:h 036B:m 036C:r 036D:t 036E:v 036F:x 1D00:a
            1D03:b 1D04:c 1D05:d 1D07:e 1D08:e 1D09:i 1D0A:j 1D0B:k 1D0C:l 1D0D:m
            1D0E:n 1D0F:o 1D10:o 1D11:o 1D12:o 1D13:o 1D16:o 1D17:o 1D18:p 1D19:r
            1D1A:r 1D1B:t 1D1C:u 1D1D:u 1D1E:u 1D1F:m 1D20:v 1D21:w 1D22:z 1D62:i
            1D63:r 1D64:u 1D65:v 1E00:A 1E01:a 1E02:B 1E03:b 1E04:B 1E05:b 1E06:B
            1E07:b 1E0A:D 1E0B:d 1E0C:D 1E0D:d 1E0E:D 1E0F:d 1E10:D 1E11:d 1E12:D
            1E13:d 1E18:E 1E19:e 1E1A:E 1E1B:e 1E1E:F 1E1F:f 1E20:G 1E21:g 1E22:H
            1E23:h 1E24:H 1E25:h 1E26:H 1E27:h 1E28:H 1E29:h 1E2A:H 1E2B:h 1E2C:I
            1E2D:i 1E30:K 1E31:k 1E32:K 1E33:k 1E34:K 1E35:k 1E36:L 1E37:l 1E3A:L
            1E3B:l 1E3C:L 1E3D:l 1E3E:M 1E3F:m 1E40:M 1E41:m 1E42:M 1E43:m 1E44:N
            1E45:n 1E46:N 1E47:n 1E48:N 1E49:n 1E4A:N 1E4B:n 1E54:P 1E55:p 1E56:P
            1E57:p 1E58:R 1E59:r 1E5A:R 1E5B:r 1E5E:R 1E5F:r 1E60:S 1E61:s 1E62:S
            1E63:s 1E6A:T 1E6B:t 1E6C:T 1E6D:t 1E6E:T 1E6F:t 1E70:T 1E71:t 1E72:U
            1E73:u 1E74:U 1E75:u 1E76:U 1E77:u 1E7C:V 1E7D:v 1E7E:V 1E7F:v 1E80:W
            1E81:w 1E82:W 1E83:w 1E84:W 1E85:w 1E86:W 1E87:w 1E88:W 1E89:w 1E8A:X
            1E8B:x 1E8C:X 1E8D:x 1E8E:Y 1E8F:y 1E90:Z 1E91:z 1E92:Z 1E93:z 1E94:Z
            1E95:z 1E9B:s 1EA0:A 1EA1:a 1EA2:A 1EA3:a 1EB8:E 1EB9:e 1EBA:E 1EBB:e
            1EBC:E 1EBD:e 1EC8:I 1EC9:i 1ECA:I 1ECB:i 1ECC:O 1ECD:o 1ECE:O 1ECF:o
            1EE4:U 1EE5:u 1EE6:U 1EE7:u 1EF2:Y 1EF3:y 1EF4:Y 1EF5:y 1EF6:Y 1EF7:y
            1EF8:Y 1EF9:y 2071:i 2095:h 2096:k 2097:l 2098:m 2099:n 209A:p 209B:s
            209C:t 2102:c 210A:g 210B:h 210C:h 210D:h 2110:i 2111:i 2112:l 2113:l
            2114:l 2115:n 2118:p 2119:p 211A:q 211B:r 211C:r 211D:r 2124:z 2128:z
            212C:b 212D:c 212F:e 2130:e 2131:f 2132:F 2133:m 2134:o 213A:q 2141:g
            2142:l 2143:l 2144:y 2145:d 2146:d 2147:e 2148:i 2149:j 214E:f 2183:C
            2184:c 223D:s 223E:s 22FF:z 2327:x 2612:x 2630:i 268A:i 2715:x 2716:x
            2717:x 2718:x 2981:z 2982:z 2C62:L 2C64:R 2C65:a 2C66:t 2C6D:A 2C6E:M
            2C6F:A 2C7E:S 2C7F:Z 4DC0:i A78D:H A7AA:H A7AB:E A7AC:G A7AD:L A7B0:K
            A7B1:T F5D9:x
            """;

    private static final char[] FOLDED = buildTable();

    private static char[] buildTable() {
        char[] folded = new char[Character.MAX_VALUE + 1];
        for (int c = 0; c < folded.length; c++) folded[c] = (char) c;
        for (String entry : TABLE.strip().split("\\s+")) {
            int code = Integer.parseInt(entry.substring(0, 4), 16);
            folded[code] = entry.charAt(5);
        }
        return folded;
    }

    /** {@code text} with every unit in the table replaced by its ASCII letter. */
    static String fold(String text) {
        char[] units = text.toCharArray();
        for (int i = 0; i < units.length; i++) units[i] = FOLDED[units[i]];
        return new String(units);
    }
}
