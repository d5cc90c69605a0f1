// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.subscriber;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.StringReader;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CsvSubscriberImportTest {
    private static List<NewSubscriber> ok(String csv) {
        CsvParse p = CsvSubscriberImport.parse(new StringReader(csv));
        return assertInstanceOf(CsvParse.Ok.class, p, p.toString()).subscribers();
    }

    private static List<String> invalid(String csv) {
        CsvParse p = CsvSubscriberImport.parse(new StringReader(csv));
        return assertInstanceOf(CsvParse.Invalid.class, p, p.toString()).problems();
    }

    @Test
    void headerQuotingBlankLinesAndCrlf() {
        List<NewSubscriber> s = ok("\uFEFFUser,Password,Display Name\r\n"
                + "alice,secret1,Alice Liddell\r\n"
                + "\r\n"
                + "bob,\"pa,ss\"\"word\",\"Bob \"\"the\"\" Builder\"\n"
                + "carol, spaced pw \n"
                + "dave,\"multi\nline\",\n");
        assertEquals(4, s.size());
        assertEquals("alice", s.get(0).username());
        assertArrayEquals("secret1".toCharArray(), s.get(0).password());
        assertEquals("Alice Liddell", s.get(0).displayName());
        assertArrayEquals("pa,ss\"word".toCharArray(), s.get(1).password());
        assertEquals("Bob \"the\" Builder", s.get(1).displayName());
        assertArrayEquals(" spaced pw ".toCharArray(), s.get(2).password(), "password is taken exactly");
        assertNull(s.get(2).displayName());
        assertArrayEquals("multi\nline".toCharArray(), s.get(3).password());
        assertNull(s.get(3).displayName());
    }

    @Test
    void withoutHeader() {
        assertEquals(1, ok("alice,pw").size());
        assertEquals(0, ok("").size());
        assertEquals(0, ok("user,password\n").size());
    }

    @Test
    void problemsNameLineAndField() {
        List<String> p = invalid("user,password\n"
                + "alice,pw\n"
                + "bad name,pw\n"
                + "bob,\n"
                + "alice,other\n"
                + "onlyone\n"
                + "a,b,c,d\n"
                + "\"unterminated,pw\n");
        assertEquals(List.of(
                "line 3: user 'bad name' is not a valid user name (letters, digits and . _ + - only,"
                        + " starting with a letter or digit)",
                "line 4: password is empty",
                "line 5: user 'alice' duplicates line 2",
                "line 6: expected user,password[,display name] but found 1 field",
                "line 7: expected user,password[,display name] but found 4 fields",
                "line 8: quoted field is not closed"), p);
    }

    @Test
    void lineNumbersCountLineBreaksInsideQuotes() {
        List<String> p = invalid("a,\"x\ny\"\nbad name,pw\n");
        assertEquals("line 3: user 'bad name' is not a valid user name", p.get(0).substring(0, 48));
    }

    @Test
    void strayQuotesAndTextAfterQuote() {
        assertEquals(List.of("line 1: quote inside an unquoted field (quote the whole field and double the quote)",
                "line 2: unexpected text after a closing quote"), invalid("al\"ice,pw\n\"bob\"x,pw\ncarol,pw\n"));
    }

    @Test
    void problemsNeverContainPasswords() {
        for (String p : invalid("bad name,topsecret\nok,topsecret2,\u0001\nx,\"topsecret3")) {
            assertFalse(p.contains("topsecret"), p);
        }
    }

    @Test
    void problemListIsCapped() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            b.append("bad name").append(i).append(",pw\n");
        }
        List<String> p = invalid(b.toString());
        assertEquals(CsvSubscriberImport.MAX_PROBLEMS + 1, p.size());
        assertEquals("... and 400 more problems", p.get(p.size() - 1));
    }

    @Test
    void fuzzNeverThrows() {
        Random rnd = new Random(42);
        String base = "user,password,name\nalice,\"p,w\",\"A \"\"x\"\"\"\r\nbob,pw\n";
        String alphabet = "\",\r\n ab\u0000\uFEFF";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder(base);
            for (int e = 0; e < 1 + rnd.nextInt(5); e++) {
                int at = rnd.nextInt(b.length() + 1);
                if (rnd.nextBoolean() || at == b.length()) {
                    b.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                } else {
                    b.deleteCharAt(at);
                }
            }
            CsvSubscriberImport.parse(new StringReader(b.toString()));
        }
    }
}
