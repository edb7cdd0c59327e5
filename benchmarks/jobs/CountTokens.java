import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.text.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Prints "events keys tokens" of a JSON-lines input: cl100k tokens of the text field, distinct keys. */
public class CountTokens {
    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Tokenizer tok = new Tokenizer("cl100k_base", 1 << 20);
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        Set<String> keys = new HashSet<>();
        long tokens = 0;
        for (String l : lines) {
            JsonNode n = json.readTree(l);
            String key = n.has("source") ? n.get("source").asText() : n.get("user").asText();
            String text = n.has("message") ? n.get("message").asText() : n.get("text").asText();
            keys.add(key);
            tokens += tok.count(text);
        }
        System.out.println(lines.size() + " " + keys.size() + " " + tokens);
    }
}
