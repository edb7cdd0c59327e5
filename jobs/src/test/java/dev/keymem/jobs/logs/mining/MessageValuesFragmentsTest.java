package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast {@link MessageValues#values} against {@link MessageValues#valuesReference} on strings glued from the rules'
 * own fragments: nouns, slashes, dots, digits, quotes and Kubernetes-like names, where one match's value and the
 * next match's noun can overlap.
 */
class MessageValuesFragmentsTest {

    private static final String[] PIECES = {"/", ".", "-", "_", ":", " ", " ", " ", "\"", "'", "\\\"", "1", "42",
        "0.2", "eth0.1", "a.b", "db.example.com", "corp.example.com", "web-1", "web01", "admin", "ops", "x",
        "pod/", "deployment.apps/", "Pod/", "nginx", "kube-system/coredns-5d78c9869d-abcde", "ns/name",
        "sha256", "ipv6", "h264", "utf8", "ldap1", "failed", "up", "login for ", "bind ", "connected to ",
        "Started container ", " in pod ", "=", "(", ")", ";", "use ", "é"};

    @Test
    void fastFormEqualsReferenceOnRuleFragments() {
        List<String> words = new ArrayList<>(List.of(PIECES));
        for (String noun : MessageValues.NOUNS) {
            words.add(noun);
            words.add(noun + " ");
            words.add(" " + noun + " ");
            words.add("/" + noun + " ");
            words.add(noun + ": ");
        }
        SplittableRandom r = new SplittableRandom(17);
        for (int t = 0; t < 100_000; t++) {
            StringBuilder sb = new StringBuilder();
            int n = 2 + r.nextInt(10);
            for (int i = 0; i < n; i++) {
                sb.append(words.get(r.nextInt(words.size())));
            }
            String s = sb.toString();
            assertEquals(MessageValues.valuesReference(s), MessageValues.values(s), s);
        }
    }

    @Test
    void aNounInsideTheValueJustMaskedStartsNoMatch() {
        for (String s : List.of("login for user admin/host db.example.com failed",
                "bind user ops/realm corp.example.com", "connected to host a.b/network eth0.1 up")) {
            assertEquals(MessageValues.valuesReference(s), MessageValues.values(s), s);
        }
    }
}
