package dev.keymem.jobs.logs.mining;

import static dev.keymem.jobs.text.LineMasker.BOUNDARY_AFTER_WORD;
import static dev.keymem.jobs.text.LineMasker.BOUNDARY_BEFORE_WORD;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Words that are values of a message by the shape of the text around them, which a Drain-style miner would take for
 * words of the message (each different value a template of its own), rewritten to {@code <*>} (or {@code <PATH>})
 * before the line is masked ({@link TemplateMiner#accept}). Classes of lines, each from the writer's documented
 * format:
 * <ol>
 *   <li>An HTTP status code (100 to 599) followed by its reason phrase (RFC 9110 section 15 and the IANA status code
 *       registry: {@code Completed 404 Not Found in 5ms}, {@code HTTP/1.1 503 Service Unavailable}): the phrase is a
 *       value (it is the code's, which is already one).</li>
 *   <li>The target of a request after its method ({@code Started GET "/cart"}, {@code No route matches [GET]
 *       "/admin"}, {@code GET /health}, {@code "GET /x HTTP/1.1"}): a target that starts with {@code /}, quoted or
 *       not, is a value; a quoted request line that is a field's value (nginx's error context {@code , request:
 *       "GET /x HTTP/1.1"}, ngx_http_log_error) is one value, its method too.</li>
 *   <li>systemd's unit status and job result messages ({@code src/core/job.c}, {@code unit.c}: {@code Starting
 *       %s...}, {@code Started %s.}, {@code Reached target %s.}, {@code Listening on %s.}, ...) after a
 *       {@code systemd[pid]:} or {@code systemd:} program: the unit's description is a value.</li>
 *   <li>A relative file path with an extension ({@code src/cart.test.ts}, {@code app/models/user.rb}): a value, as
 *       an absolute path is; a token of word characters, dots and dashes with a {@code /}, starting with a letter,
 *       {@code _} or {@code .}, no empty segment, its last segment ending in a dot and an extension of one to five
 *       letters or digits, the first a letter ({@code and/or}, {@code text/html}, {@code Mb/s} stay words).</li>
 *   <li>An indented field line of a multi-line record dump ({@code wevtutil qe /f:text}'s {@code   Log Name:
 *       Security}, a GitHub Actions step's inputs {@code   repository: acme/web}): a line that starts with
 *       blanks, or with one token holding a digit (a time stamp) and a space before the blanks, then a key of one to
 *       four words, a colon, blanks and a value: the key is the message, the value one value ({@link #fieldLine}:
 *       {@code key: <*>}, without the time stamp; no header is cut from it). A key whose first word is a keyword of a
 *       programming language ({@code if}, {@code else}, {@code return}, ...) is code, not a field.</li>
 *   <li>A quoted name right after the noun that says what it names ({@link #NOUNS}: PostgreSQL's {@code database
 *       "shop" does not exist}, {@code role "alice"}, MySQL's {@code user 'root'}, nginx's {@code by zone "api"},
 *       macOS' {@code ASL Module "com.apple.x"}; a colon after the noun too, MySQL's {@code db: 'shop' user:
 *       'app'}): a quoted token of 1 to 64 characters without blanks or quotes,
 *       double or single quotes, the noun in any case; the name is a value, the quotes stay. Also a compound name
 *       without quotes: ASCII letters and digits, a letter first, in two or more parts joined by {@code - _ . /}
 *       (Kafka's {@code group orders-etl}, Android's {@code service com.x/.Y}; loghub's ground truth reads them as
 *       values: {@code domain <*>}, {@code service <*>.<*>}); a single word ({@code user alice}) stays.</li>
 *   <li>A Ruby symbol as a word ({@code Filter chain halted as :require_admin rendered}, {@code Unpermitted
 *       parameter: :name}): {@code :name} after a blank, followed by a blank, {@code ,}, {@code )}, {@code ]} or the
 *       end.</li>
 *   <li>Rails' {@code Processing by UsersController#show as JSON} (ActionController's LogSubscriber, {@code
 *       Processing by %s#%s as %s}): the controller's action and the format; Spring Boot's StartupInfoLogger
 *       ({@code Starting OrdersApplication v1.2 using Java 17}, {@code Started OrdersApplication in 7.3 seconds}):
 *       the application's name.</li>
 *   <li>A signal's name ({@code SIGTERM}, {@code SIGHUP}: nginx's {@code signal 15 (SIGTERM) received}), and the
 *       start types of Windows' Service Control Manager event 7040 ({@code changed from demand start to auto
 *       start.}: boot, system, auto and demand start, disabled).</li>
 *   <li>The key-value pairs of a structured klog line (Kubernetes' structured logging, KEP-1602: {@code "Creating
 *       PodSandbox for pod" pod="shop/web-7d9f" err="..."}): a quoted message, after a blank or at the start, then
 *       one or more {@code key=value} pairs (a quoted value with {@code \"} escapes, or a run without blanks and
 *       quotes) up to the line's end: each value is one value ({@code pod=<*>}), the message stays.</li>
 *   <li>Texts of exceptions and statements that a format puts in a fixed frame: Spring's
 *       {@code AbstractHandlerExceptionResolver} ({@code Resolved [org.x.FooException: text]}: the text after the
 *       exception's class, the class stays) and Tomcat's {@code StandardWrapperValve} ({@code threw exception [text]
 *       with root cause}: the text); Spring Boot's active profiles ({@code The following 2 profiles are active:
 *       "a", "b"}: the quoted list); PostgreSQL's statement ({@code statement: SELECT ...}, {@code STATEMENT:
 *       ...}, to the line's end) and key detail ({@code Key (email)=(a@b.c) already exists}: the columns and the
 *       values); Apache httpd's {@code Command line: '...'}; nginx's signal action ({@code signal 15 (SIGTERM)
 *       received from 2250, exiting}: {@code ngx_signal_handler}'s actions); a state's name between {@code in}
 *       and {@code state} ({@code in Stable state}, {@code in PreparingRebalance state}: a capitalized word, as
 *       Kafka's group states; {@code in error state} stays); a key's type before its fingerprint (OpenSSH's {@code
 *       Accepted publickey for %s from %s port %d ssh2: %s %s}: {@code ssh2: ED25519 SHA256:...}, an upper-case
 *       name) and the fingerprint itself ({@code SHA256:} and 43 base64 chars: {@code SHA256:<*>}, whose
 *       masking would otherwise depend on how many digits the random chars hold).</li>
 *   <li>The fields of a JSON object that ends the line after a blank or a tab (zap's console encoder: {@code
 *       request completed {"method": "GET", "status": 404}}): each scalar value (a string, a number, {@code
 *       true}, {@code false}, {@code null}) is one value, the keys stay; an object holding a nested object or
 *       array is left as it is.</li>
 *   <li>Commands a record logs as a field at its end: cron's {@code (user) CMD (command)} and sudo's {@code user :
 *       TTY=... ; PWD=... ; USER=root ; COMMAND=command} (the user and the command; the other fields are masked
 *       by their shapes); the kernel's {@code process PID (comm)} (the command's name, as in the OOM killer's
 *       {@code Killed process 4242 (java)}).</li>
 *   <li>Build tools' lines (Gradle's console: {@code > Task :app:test UP-TO-DATE}: the outcome, one of
 *       UP-TO-DATE, NO-SOURCE, FROM-CACHE, SKIPPED, a failure stays; its test events {@code OrderServiceTest >
 *       createsOrder() PASSED}: the test's class and name, the result stays).</li>
 *   <li>Elasticsearch's values: a line in its log4j2 layout ({@code [2024-05-03T10:00:01,123][INFO ][o.e.n.Node]
 *       [node-1] message}) puts each value of its message in brackets ({@code creating index, cause [api],
 *       templates [logs]}, {@code from [YELLOW] to [GREEN]}): after the header, a bracketed run without blanks
 *       or brackets right after a blank is a value ({@code [<*>]}).</li>
 *   <li>Round 6 (docs/benchmarks.md, "Log formats, round 6"): Kubernetes' object names ({@code pod/web-1},
 *       {@code deployment.apps/web}: the name after a kind of {@link #KINDS} and its slash), the kubelet's
 *       container names ({@code Created container web}, {@code Back-off restarting failed container web in pod
 *       ...}), the deployment controller's {@code Scaled up|down} and the prober's {@code Liveness|Readiness|Startup
 *       probe failed:}; Celery's task results and exceptions ({@code succeeded in 0.2s: <*>}, {@code raised
 *       unexpected: <*>}, {@code retry: <*>}); a one-word name after a noun of {@link #NOUNS} where its id follows
 *       in parentheses (12 to 64 hex digits: the Docker daemon's {@code endpoint redis (996ae4...)}) or it ends in
 *       digits ({@code realm ldap1}, {@code domain storage234}); Gradle's failed test's exception class ({@code
 *       java.lang.NullPointerException at FooTest.java:42}, indented) and Kotlin's {@code Unresolved reference:
 *       NAME}; the MySQL slow log's {@code use DB;}; PHP's undefined names ({@code Undefined variable $x}, {@code
 *       Undefined property: C::$x}, {@code Call to undefined method|function ...()}) and the function of its
 *       {@code Passing null to parameter} deprecation. Class 6's nouns gained {@code result} (systemd's {@code
 *       Failed with result 'exit-code'.}), {@code vhost}, {@code exchange}, {@code endpoint}, {@code network} and
 *       {@code realm}. Round 7 narrowed class 16: a name that ends in digits is no value where it is a standard's
 *       ({@link #TECHNICAL_NAMES}: {@code key sha256}, {@code network ipv6}); after {@code event/} only an event's
 *       name ({@code NAME.HEX}) is one; {@code use strict;} and the other Perl pragmas are no database.</li>
 *   <li>Round 7 ("Log formats, round 7"): the MySQL slow log's {@code # User@Host:} user and host ({@code
 *       root[root] @ localhost []}, {@code app[app] @  [10.0.0.7]}: one value, whichever part is empty);
 *       gunicorn's {@code Using worker: <*>} and {@code Handling signal: <*>}; Django's {@code Method Not Allowed
 *       (<*>): <*>} and {@code Forbidden (<*>): <*>} (the method or the CSRF reason, and the path).</li>
 * </ol>
 * Each class is stated as a regex ({@link #valuesReference}, {@link #fieldLineReference}: the reference forms); the
 * fast forms ({@link #values}, {@link #fieldLine}) give the same text and run the regexes only where a cheap test
 * of the line says one may match, or scan by hand (the reason phrases, the targets, the paths); the fixed words
 * those tests look for are found in one pass ({@link FixedWords}; {@link #valuesIndexOf} asks {@code indexOf}). A test compares them
 * on every loghub_2k line, the format samples and mutated lines (some ending in a line terminator, before which
 * the regexes' {@code $} matches too: a JSON message's decoded {@code \n} can end a message). Hand-written: no
 * maintained library knows these shapes; the regexes are the reference. Their word boundaries are Java 17's
 * {@code \\b} on any JVM ({@link dev.keymem.jobs.text.LineMasker#BOUNDARY_BEFORE_WORD}, {@code BOUNDARY_AFTER_WORD};
 * JDK 19+'s bare {@code \\b} is ASCII-only and would find {@code Processing by} in {@code éProcessing by}).
 */
final class MessageValues {
    private MessageValues() {
    }

    static final String VALUE = "<*>";
    static final String PATH = "<PATH>";

    /** RFC 9110 section 15 and the IANA registry's reason phrases (and the common older ones). */
    static final String[] REASONS = {"Continue", "Switching Protocols", "Processing", "Early Hints", "OK", "Created",
        "Accepted", "Non-Authoritative Information", "No Content", "Reset Content", "Partial Content", "Multi-Status",
        "Already Reported", "IM Used", "Multiple Choices", "Moved Permanently", "Found", "See Other", "Not Modified",
        "Use Proxy", "Temporary Redirect", "Permanent Redirect", "Bad Request", "Unauthorized", "Payment Required",
        "Forbidden", "Not Found", "Method Not Allowed", "Not Acceptable", "Proxy Authentication Required",
        "Request Timeout", "Conflict", "Gone", "Length Required", "Precondition Failed", "Content Too Large",
        "Payload Too Large", "Request Entity Too Large", "URI Too Long", "Request-URI Too Long",
        "Unsupported Media Type", "Range Not Satisfiable", "Requested Range Not Satisfiable", "Expectation Failed",
        "I'm a teapot", "Misdirected Request", "Unprocessable Content", "Unprocessable Entity", "Locked",
        "Failed Dependency", "Too Early", "Upgrade Required", "Precondition Required", "Too Many Requests",
        "Request Header Fields Too Large", "Unavailable For Legal Reasons", "Internal Server Error",
        "Not Implemented", "Bad Gateway", "Service Unavailable", "Gateway Timeout", "HTTP Version Not Supported",
        "Variant Also Negotiates", "Insufficient Storage", "Loop Detected", "Not Extended",
        "Network Authentication Required"};

    static final String[] METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};

    /** systemd's status messages whose description ends in {@code ...} (unit.c). */
    static final String[] SYSTEMD_PROGRESS = {"Starting", "Stopping", "Reloading"};
    /** systemd's job results and unit type status messages, ending in {@code .} (job.c, target, socket, mount, swap). */
    static final String[] SYSTEMD_DONE = {"Started", "Stopped", "Finished", "Reloaded", "Reached target",
        "Stopped target", "Listening on", "Closed", "Mounted", "Unmounted", "Activated swap", "Deactivated swap",
        "Failed to start", "Failed to stop", "Dependency failed for", "Timed out starting", "Timed out stopping",
        "Timed out reloading", "Reload failed for", "Assertion failed for"};

    /** Class 6: nouns that name what the quoted token after them names (compared in lower case). */
    static final Set<String> NOUNS = Set.of("user", "role", "database", "db", "schema", "relation", "table", "column",
            "index", "sequence", "view", "function", "extension", "tablespace", "constraint", "trigger", "zone",
            "upstream", "module", "service", "topic", "group", "queue", "partition", "bucket", "plugin", "profile",
            "channel", "volume", "container", "pod", "namespace", "node", "image", "host", "account", "job", "task",
            "cluster", "domain", "parameter", "property", "field", "attribute", "variable", "setting", "option",
            "branch", "repository", "collection", "key", "file", "directory", "tenant", "project", "workspace",
            "consumer", "producer", "connector", "stream", "subscription", "deployment", "secret", "configmap",
            "result", "vhost", "exchange", "endpoint", "network", "realm");

    /** Class 9: Windows Service Control Manager's start types (event 7040's insertion strings). */
    static final String[] START_TYPES = {"boot start", "system start", "auto start", "demand start", "disabled"};

    /** First words of a key that make an indented line code, not a field. */
    static final Set<String> CODE_WORDS = Set.of("if", "elif", "else", "for", "while", "try", "except", "finally",
            "with", "return", "case", "default", "def", "class", "lambda", "switch", "do", "catch", "raise", "throw",
            "yield", "assert", "import", "from", "await", "async", "match");

    private static String alternation(String[] words) {
        StringBuilder sb = new StringBuilder("(?:");
        for (int i = 0; i < words.length; i++) {
            sb.append(i == 0 ? "" : "|").append(Pattern.quote(words[i]));
        }
        return sb.append(')').toString();
    }

    /**
     * {@code literal} (ASCII, a word char first) where Java 17's {@code \\b} is before it: the literal looked at
     * first, so that the boundary's lookbehind runs only where it is (a regex that the gates run on many lines, whose
     * scan would otherwise look behind every word's start and end).
     */
    private static String atWordStart(String literal) {
        return "(?=" + literal + ")" + BOUNDARY_BEFORE_WORD + literal;
    }

    /** Class 1: group 1 the phrase (longest first among those that start alike: the alternation is ordered). */
    static final Pattern REASON = Pattern.compile("(?<![\\w.])[1-5]\\d\\d (" + alternation(byLength(REASONS))
            + ")(?![\\w\\-'])");
    /** Class 2: group 1 the method and what is before the target, group 2 the target. */
    static final Pattern TARGET = Pattern.compile("((?:^|[\\s\"])\\[?" + alternation(METHODS) + "\\]? \"?)(/[^\\s\"]*)");
    /** Class 2, a request line as a field's value: group 1 before it, group 2 the request line, group 3 its quote. */
    static final Pattern FIELD_REQUEST = Pattern.compile("(\\w: \")(" + alternation(METHODS) + " [^\"]*)(\")");
    /** Class 3: group 1 the description. */
    static final Pattern SYSTEMD = Pattern.compile("(?:^|\\s)systemd(?:\\[\\d+\\])?: (?:"
            + alternation(SYSTEMD_PROGRESS) + " (.+)\\.\\.\\.|" + alternation(byLength(SYSTEMD_DONE))
            + " (.+)(?<!\\.\\.)\\.)$", Pattern.DOTALL);
    /** Class 4: the relative path. */
    static final Pattern RELATIVE_PATH = Pattern.compile("(?<![^\\s(\\[\"'=])[A-Za-z_.][\\w.\\-]*(?:/[\\w.\\-]+)*"
            + "/[\\w.\\-]*\\.[A-Za-z][A-Za-z0-9]{0,4}(?![^\\s)\\]\"',:;])");
    /** Class 5: group 1 the key, group 2 the value; {@code ^} and {@code $} the line's ends. */
    static final Pattern FIELD_LINE = Pattern.compile(
            "(?:\\S*\\d\\S* )?[ \\t]+([A-Za-z][\\w.\\-]*(?: [A-Za-z][\\w.\\-]*){0,3}):[ \\t]+(\\S.*)", Pattern.DOTALL);

    /** Class 6: group 1 the noun, a colon or none and its blank, group 2 the quote (null for a compound name). */
    static final Pattern NAMED = Pattern.compile("(?<![\\w-])((?i:" + String.join("|", NOUNS.stream().sorted()
            .toList()) + "):? )(?:([\"'])[^\"'\\s]{1,64}\\2|(\\\\\")[^\"'\\s\\\\]{1,64}\\\\\"|[A-Za-z][A-Za-z0-9]*(?:[-_./][A-Za-z0-9]+)+"
            + "(?![A-Za-z0-9_\\-/]|\\.[A-Za-z0-9]))");
    /** Class 7. */
    static final Pattern SYMBOL = Pattern.compile("(?<=[ \\t]):[a-z_][A-Za-z0-9_]*[?!]?(?=[\\s,)\\]]|$)");
    /** Class 8: group 1 up to the action, group 2 up to the format. */
    static final Pattern PROCESSING = Pattern.compile("(" + BOUNDARY_BEFORE_WORD
            + "Processing by )[A-Z][\\w:]*#\\w+[?!]?( as )\\S+(?=\\s|$)");
    /** Class 8: Spring Boot's application name. */
    static final Pattern SPRING_START = Pattern.compile("(" + BOUNDARY_BEFORE_WORD
            + "Start(?:ing|ed) )[A-Z][\\w$]*(?= (?:v\\S+ )?using Java "
            + "| in \\d)");
    /** Class 10: group 1 the quoted message, group 2 the pairs. */
    static final Pattern KLOG_PAIRS = Pattern.compile("((?:^|(?<=\\s))\"(?:[^\"\\\\]|\\\\.)*\")((?: [A-Za-z][\\w.\\-]*="
            + "(?:\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s\"]+))+)[ \\t]*$");
    /** Class 10: one pair of {@link #KLOG_PAIRS}' group 2, group 1 its key and {@code =}. */
    static final Pattern KLOG_PAIR = Pattern.compile("( [A-Za-z][\\w.\\-]*=)(?:\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s\"]+)");
    /** Class 9: a signal's name. */
    static final Pattern SIGNAL = Pattern.compile("(?<!\\w)SIG[A-Z0-9]{2,9}(?!\\w)");
    /** Class 9: group 1 and 2 before each start type. */
    static final Pattern START_TYPE = Pattern.compile("(" + BOUNDARY_BEFORE_WORD + "changed from )"
            + alternation(START_TYPES) + "( to )"
            + alternation(START_TYPES) + "(?=\\.)");

    /** Class 11: Spring's resolved exception, group 1 up to the text, group 2 the closing bracket. */
    static final Pattern RESOLVED = Pattern.compile("(" + BOUNDARY_BEFORE_WORD
            + "Resolved \\[[A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)+: )"
            + ".+(\\])$", Pattern.DOTALL);
    /** Class 11: Tomcat's exception text. */
    static final Pattern THREW = Pattern.compile("(" + BOUNDARY_BEFORE_WORD
            + "threw exception \\[).+(\\] with root cause)$", Pattern.DOTALL);
    /** Class 11: Spring Boot's active profiles. */
    static final Pattern PROFILES = Pattern.compile("(" + BOUNDARY_BEFORE_WORD
            + "profiles? (?:is|are) active: )\"[^\"]*\"(?:, \"[^\"]*\")*$");
    /** Class 11: PostgreSQL's statement. */
    static final Pattern STATEMENT = Pattern.compile("((?:^|\\s)(?:statement|STATEMENT):[ \\t]+)\\S.*$",
            Pattern.DOTALL);
    /** Class 11: PostgreSQL's key detail. */
    static final Pattern KEY_DETAIL = Pattern.compile("(" + BOUNDARY_BEFORE_WORD
            + "Key \\()[^()]+(\\)=\\()[^()]*(\\))");
    /** Class 11: Apache httpd's command line. */
    static final Pattern COMMAND_LINE = Pattern.compile("(" + BOUNDARY_BEFORE_WORD + "Command line: )'[^']*'$");
    /** Class 11: nginx's signal actions ({@code ngx_signal_handler}). */
    static final String[] SIGNAL_ACTIONS = {"exiting", "shutting down", "reconfiguring", "reopening logs", "reopening",
        "changing binary", "stop accepting connections", "ignoring"};
    /** Class 11: group 1 up to the action. */
    static final Pattern SIGNAL_ACTION = Pattern.compile("(" + BOUNDARY_BEFORE_WORD + "received(?: from \\d+)?, )"
            + alternation(SIGNAL_ACTIONS)
            + "$");
    /** Class 11: group 1 and 2 around the state's name. */
    static final Pattern STATE = Pattern.compile("(" + atWordStart("in ") + ")[A-Z][A-Za-z]*( state"
            + BOUNDARY_AFTER_WORD + ")");
    /** Class 11: a key's type before its SHA256 fingerprint. */
    static final Pattern KEY_TYPE = Pattern.compile("(?<=\\s)[A-Z][A-Z0-9-]{1,15}(?= SHA256:)");
    /** Class 11: a SHA256 fingerprint's base64 chars (OpenSSH's {@code sshkey_fingerprint}), group 1 before them. */
    static final Pattern FINGERPRINT = Pattern.compile("(" + BOUNDARY_BEFORE_WORD
            + "SHA256:)[A-Za-z0-9+/]{43}(?![A-Za-z0-9+/=])");
    /** Class 12: a JSON value (a string or another scalar). */
    private static final String JSON_SCALAR = "(?:\"(?:[^\"\\\\]|\\\\.)*\"|-?[0-9][0-9.eE+\\-]*|true|false|null)";
    /** Class 12: a JSON object of scalars ending the line: group 1 its pairs. */
    static final Pattern JSON_TAIL = Pattern.compile("(?<=[ \\t])\\{(\"(?:[^\"\\\\]|\\\\.)*\": ?" + JSON_SCALAR
            + "(?:, ?\"(?:[^\"\\\\]|\\\\.)*\": ?" + JSON_SCALAR + ")*)\\}$");
    /** Class 12: one pair of {@link #JSON_TAIL}, group 1 its key, colon and blank. */
    static final Pattern JSON_PAIR = Pattern.compile("(\"(?:[^\"\\\\]|\\\\.)*\": ?)" + JSON_SCALAR);
    /** Class 13: cron's command, group 1 and 2 before the user and the command, group 3 the closing parenthesis. */
    static final Pattern CRON_CMD = Pattern.compile("((?:^|\\s)\\()[^()\\s]+(\\) CMD \\().*(\\))$", Pattern.DOTALL);
    /** Class 13: sudo's user (group 1 before it, group 2 after) and command (group 3 before it). */
    static final Pattern SUDO = Pattern.compile("((?:^|\\s))[^\\s:;]+( : (?:[A-Z]+=[^;]* ; )*)(COMMAND=).*$",
            Pattern.DOTALL);
    /** Class 13: a process's command name after its pid. */
    static final Pattern PROCESS_COMM = Pattern.compile("(" + BOUNDARY_BEFORE_WORD
            + "[Pp]rocess \\d+ \\()[^()\\s]+(\\))");
    /** Class 14: Gradle's task outcomes. */
    static final String[] TASK_OUTCOMES = {"UP-TO-DATE", "NO-SOURCE", "FROM-CACHE", "SKIPPED"};
    /** Class 14: group 1 up to the outcome. */
    static final Pattern TASK_OUTCOME = Pattern.compile("((?:^|\\s)> Task :\\S+ )" + alternation(TASK_OUTCOMES) + "$");
    /** Class 14: a test event, group 1 the result. */
    static final Pattern TEST_EVENT = Pattern.compile("(?<!\\S)[A-Za-z_$][\\w.$]*(?: > [^>\\s][^>]*?)+"
            + "( (?:PASSED|FAILED|SKIPPED))$");
    /** Class 15: Elasticsearch's header ({@code [ts][LEVEL ][logger ] [node] }), group 1. */
    static final Pattern ES_HEADER = Pattern.compile("^(\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[,.]\\d{3}\\]"
            + "\\[[A-Z]+ *\\]\\[[^\\]\\s]+ *\\]"
            + " \\[[^\\]\\s]*\\] )");
    /** Class 15: a bracketed value of an Elasticsearch message (blanks inside too, at most 64 chars). */
    static final Pattern ES_VALUE = Pattern.compile("(?<= )\\[[^\\[\\]]{1,64}\\]");

    /**
     * Class 16: Kubernetes' resource kinds, as {@code kubectl} names an object ({@code pod/web-1},
     * {@code deployment.apps/web}: the kind in lower case, singular) and its events' {@code OBJECT} column.
     */
    static final Set<String> KINDS = Set.of("pod", "deployment", "replicaset", "statefulset", "daemonset", "job",
            "cronjob", "node", "service", "configmap", "secret", "ingress", "namespace", "persistentvolumeclaim",
            "persistentvolume", "horizontalpodautoscaler", "endpoints", "serviceaccount", "lease", "event");
    /**
     * Class 16: an object's kind (and API group) and slash, group 1; the name (DNS-1123) after it is the value. After
     * {@code event/} (and {@code event.events.k8s.io/}) only an event's name, the object's name, a dot and the event's
     * time in hex ({@code web-1.17c6d3a0b9e8f2c1}: {@code %v.%x} of the object's name and UnixNano, client-go's
     * {@code tools/record}): round 7, so that an application's {@code event/handler} stays words.
     */
    static final Pattern K8S_OBJECT = Pattern.compile("(?<![\\w./\\-<])((?:" + String.join("|", KINDS.stream().sorted()
            .toList()) + ")(?:\\.[a-z0-9]+)*/)(?:(?<!event/|event\\.events\\.k8s\\.io/)[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?"
            + "|[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?\\.[0-9a-f]{10,16})(?![\\w/\\-])");
    /**
     * Class 16: the kubelet's container events ({@code pkg/kubelet/events}: {@code Created container %s},
     * {@code Started container %s}, {@code Stopping container %s}, {@code Back-off restarting failed container %s
     * in pod %s}), group 1 before the container's name.
     */
    static final Pattern CONTAINER = Pattern.compile("(" + BOUNDARY_BEFORE_WORD
            + "(?:Created|Started|Stopping|Killing|restarting failed)"
            + " container )[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?=$| in pod )");
    /**
     * Class 16: the words of Kubernetes' event messages that are a {@code %s} of their format: the deployment
     * controller's {@code Scaled %s replica set %s to %d} ({@code up}, {@code down}) and the prober's {@code %s probe
     * failed: %s} (the probe's type: {@code Liveness}, {@code Readiness}, {@code Startup}); group 1 (and 2) around it.
     */
    static final Pattern K8S_WORD = Pattern.compile("(" + BOUNDARY_BEFORE_WORD + "Scaled )(?:up|down)( replica set )"
            + "|(?<![\\w-])()(?:Liveness|Readiness|Startup)( probe (?:failed|errored): )");
    /**
     * Class 16 (round 7): names that end in digits and are no instance's name but a standard's (compared in lower
     * case): hashes and ciphers, protocols and their versions, address families, codecs, character sets, file
     * systems, CPU architectures and number types ({@code key sha256}, {@code network ipv6}, {@code stream h264},
     * {@code column int64}): {@link #NAMED_ID} leaves them. Not the two-char ones that name hosts as often
     * ({@code s3}, {@code io1}, {@code rc2}).
     */
    static final Set<String> TECHNICAL_NAMES = Set.of("md4", "md5", "sha1", "sha224", "sha256", "sha384", "sha512",
            "sha3", "crc16", "crc32", "crc64", "adler32", "xxh3", "xxh32", "xxh64", "blake2", "blake3", "base16", "base32",
            "base58", "base64", "ed25519", "ed448", "x25519", "x448", "p256", "p384", "p521", "aes128", "aes192",
            "aes256", "des3", "chacha20", "poly1305", "pbkdf2", "argon2", "rsa1024", "rsa2048", "rsa3072",
            "rsa4096", "ssl2", "ssl3", "ipv4", "ipv6", "icmp6", "icmpv6", "http1", "http2", "http3", "ssh1",
            "ssh2", "smb1", "smb2", "smb3", "nfs3", "nfs4", "nfsv3", "nfsv4", "snmpv1", "snmpv2", "snmpv3", "socks4",
            "socks5", "pop3", "imap4", "oauth1", "oauth2", "saml2", "h261",
            "h263", "h264", "h265", "x264", "x265", "vp8", "vp9", "av1", "mp2", "mp3", "mp4", "ac3", "eac3", "g711",
            "g722", "g729", "mpeg1", "mpeg2", "mpeg4", "utf8", "utf16", "utf32", "ucs2", "ucs4", "latin1", "latin2",
            "cp437", "cp850", "cp1250", "cp1251", "cp1252", "ext2", "ext3", "ext4", "fat12", "fat16", "fat32",
            "iso9660", "x86", "amd64", "arm64", "aarch64", "i386", "i486", "i586", "i686", "armv6", "armv7", "armv8",
            "ppc64", "s390", "riscv64", "mips64", "win32", "win64", "int4", "int8", "int16", "int32", "int64", "int128",
            "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64", "float128", "bfloat16", "fp16",
            "fp32", "fp64", "bf16", "complex64", "complex128", "decimal128");
    /**
     * Class 16: a name that is one word after a noun of {@link #NOUNS} (which class 6 leaves, as {@code user
     * alice}), where the text says it is a name: its id follows in parentheses (the Docker daemon's {@code on
     * endpoint redis (996ae4...)}: 12 to 64 hex digits), or it ends in digits ({@code realm ldap1}); group 1 the
     * noun and its blank.
     */
    static final Pattern NAMED_ID = Pattern.compile("(?<![\\w-])((?i:" + String.join("|", NOUNS.stream().sorted()
            .toList()) + ") )(?:[A-Za-z][\\w.\\-]*(?= \\([0-9a-f]{12,64}\\))|(?!(?i:" + String.join("|", TECHNICAL_NAMES
            .stream().sorted().toList()) + ")(?![\\w.\\-/]))[A-Za-z]+[0-9]+(?![\\w.\\-/]))");
    /**
     * Class 16: build tools' values: Gradle's test failure line ({@code     java.lang.NullPointerException at
     * FooTest.java:42}: the exception's class, groups 1 and 2 around it) and Kotlin's {@code Unresolved reference:
     * %s} (the name, group 3 before it).
     */
    static final Pattern BUILD_VALUE = Pattern.compile("^([ \\t]+)[A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)+( at "
            + "[\\w$.\\-]+\\.(?:java|kt|groovy|scala):\\d+)$|(" + BOUNDARY_BEFORE_WORD
            + "Unresolved reference:? )['`]?[A-Za-z_][\\w$]*['`]?");
    /**
     * Class 16 (round 7): Perl's pragmas (perlmodlib's "Pragmatic Modules", lower-case by convention): {@code use
     * strict;} in a script's listing is no database.
     */
    static final Set<String> PERL_PRAGMAS = Set.of("attributes", "autodie", "autouse", "base", "bigint", "bignum",
            "bigrat", "blib", "bytes", "charnames", "constant", "deprecate", "diagnostics", "encoding", "experimental",
            "feature", "fields", "filetest", "if", "integer", "less", "lib", "locale", "mro", "open", "ops", "overload",
            "overloading", "parent", "re", "sigtrap", "sort", "strict", "subs", "threads", "utf8", "vars", "version",
            "vmsish", "warnings");
    /**
     * Class 16: the MySQL slow query log's {@code use %s;} (sql/log.cc), groups 1 and 2 around the database's name;
     * not a Perl pragma of {@link #PERL_PRAGMAS}.
     */
    static final Pattern USE_DB = Pattern.compile("^(use )(?!(?:" + String.join("|", PERL_PRAGMAS.stream().sorted()
            .toList()) + ");)[\\w$]+(;)$");
    /**
     * Class 17 (round 7): the slow log's {@code # User@Host: %s  Id: %5u} (sql/log.cc), whose user and host, {@code
     * %s[%s] @ %s [%s]} (the privileged user, the user, the host name, the address; the host name or the address
     * empty), is one value; group 1 before it.
     */
    static final Pattern USER_HOST = Pattern.compile("^(# User@Host: )[^\\[\\]\\s]*\\[[^\\[\\]\\s]*\\] @ "
            + "[^\\[\\]\\s]* \\[[^\\[\\]\\s]*\\](?=\\s|$)");
    /**
     * Class 17: gunicorn's one-word values (gunicorn/arbiter.py: {@code Using worker: %s}, the worker class; {@code
     * Handling signal: %s}, the signal's name in lower case) ending the line; group 1 before the value.
     */
    static final Pattern GUNICORN_WORD = Pattern.compile("(" + BOUNDARY_BEFORE_WORD
            + "(?:Using worker|Handling signal): )[\\w.]+$");
    /**
     * Class 17: Django's request log's {@code Method Not Allowed (%s): %s} (django/views/generic/base.py, the
     * method) and {@code Forbidden (%s): %s} (django/middleware/csrf.py, the reason): the text in parentheses,
     * groups 1 and 2 around it, and the request's path (group 3) where one ends the line ({@code /.env}, which no
     * other rule takes for a value).
     */
    static final Pattern DJANGO_REASON = Pattern.compile("(" + BOUNDARY_BEFORE_WORD
            + "(?:Method Not Allowed|Forbidden) \\()[^()\\r\\n]+"
            + "(\\): )(/\\S*$)?");
    /**
     * Class 16: Celery's task results ({@code celery/app/trace.py}: {@code Task %(name)s[%(id)s] succeeded in
     * %(runtime)ss: %(return_value)s}, {@code raised unexpected: %(exc)s}, {@code retry: %(exc)s}), group 1 before
     * the value, which runs to the line's end.
     */
    static final Pattern CELERY = Pattern.compile("(" + BOUNDARY_BEFORE_WORD + "succeeded in \\d+(?:\\.\\d+)?s: |"
            + BOUNDARY_BEFORE_WORD + "raised unexpected: "
            + "|\\] retry: ).+$");
    /**
     * Class 16: PHP's messages about a name ({@code Zend/zend_execute.c}: {@code Undefined variable $%s},
     * {@code Undefined property: %s::$%s}, {@code Call to undefined method %s::%s()}, {@code Call to undefined
     * function %s()}), group 1 before the name; and the function of {@code %s(): Passing null to parameter #%d
     * ($%s) of type %s is deprecated}.
     */
    static final Pattern PHP_NAME = Pattern.compile("(" + BOUNDARY_BEFORE_WORD + "Undefined variable \\$|"
            + BOUNDARY_BEFORE_WORD + "Undefined property: "
            + "|" + BOUNDARY_BEFORE_WORD
            + "Call to undefined (?:method|function) )[A-Za-z_\\\\][\\w\\\\]*(?:::\\$?\\w+)?(?:\\(\\))?"
            + "|(?<=\\s)()[A-Za-z_\\\\][\\w\\\\]*(?:::\\w+)?\\(\\)(?=: Passing null to parameter #)");

    private static String[] byLength(String[] words) {
        return java.util.Arrays.stream(words).sorted((a, b) -> b.length() - a.length()).toArray(String[]::new);
    }

    /**
     * The message of an indented field line ({@code key: <*>}, class 5), or null when {@code line} is not one. With
     * {@code headers} false the text before the value is kept as it is (the whole line is the message).
     */
    static String fieldLine(String line, boolean headers) {
        int n = line.length();
        if (n == 0) {
            return null;
        }
        char c0 = line.charAt(0);
        if (c0 != ' ' && c0 != '\t') {
            int sp = line.indexOf(' ');
            if (sp < 0 || sp + 1 >= n || (line.charAt(sp + 1) != ' ' && line.charAt(sp + 1) != '\t')) {
                return null;
            }
        }
        return fieldLineReference(line, headers);
    }

    /** {@link #fieldLine} by the regex alone (the reference). */
    static String fieldLineReference(String line, boolean headers) {
        Matcher m = FIELD_LINE.matcher(line);
        if (!m.matches()) {
            return null;
        }
        String key = m.group(1);
        int sp = key.indexOf(' ');
        if (CODE_WORDS.contains(sp < 0 ? key : key.substring(0, sp))) {
            return null;
        }
        return headers ? key + ": " + VALUE : line.substring(0, m.start(2)) + VALUE;
    }

    /** The line with the values of classes 1 to 4 and 6 to 9 rewritten; {@code line} itself when it holds none. */
    static String values(String line) {
        return values(line, new FixedWords.Holder());
    }

    /**
     * {@link #values} asking {@code String.indexOf} for each fixed word (the form before {@link FixedWords}' one
     * pass; the tests compare the two).
     */
    static String valuesIndexOf(String line) {
        return values(line, FixedWords.Holder.INDEX_OF);
    }

    /**
     * {@link #values}, each class's fixed words looked for through {@code words} (whether the line as the classes
     * before left it holds them).
     */
    private static String values(String line, FixedWords.Holder words) {
        // One pass over the line gives the later classes' gates: each a necessary condition of its class on the line
        // as the earlier classes leave it (they replace values by "<*>" or "<PATH>": no quote, '=', ':', blank or 'S'
        // is added, and no "d f" or " :" is made across a replaced run, which the placeholder's brackets end).
        // ... taken with the fixed words' census of the line (FixedWords.Holder#start), in one pass over its bytes
        int gates = words.start(line);
        String s = line;
        if (words.has(s, FixedWords.SYSTEMD)) {
            s = systemd(s);
        }
        // each of these scans finds nothing on a line without its first characters (returns it as it is)
        if (words.mayScan(s, FixedWords.DIGIT_BLANK_CAPITAL)) {
            s = reasons(s);
        }
        if (words.mayScan(s, FixedWords.FIELD_QUOTE)) {
            s = fieldRequests(s);
        }
        if (words.mayScan(s, FixedWords.SLASH)) {
            s = targets(s);
        }
        if (words.mayScan(s, FixedWords.SLASH)) {
            s = relativePaths(s);
        }
        if ((gates & NAMED_VALUE) != 0) {
            s = named(s);
        }
        if ((gates & BLANK_COLON) != 0) {
            s = symbols(s);
        }
        if ((gates & UPPER_P) != 0 && words.has(s, FixedWords.PROCESSING_BY)) {
            s = processing(s);
        }
        if ((gates & UPPER_S) != 0) {
            if (words.has(s, FixedWords.START)) {
                s = springStart(s);
            }
            if (words.has(s, FixedWords.SIG)) {
                s = SIGNAL.matcher(s).replaceAll(VALUE_REPLACEMENT);
            }
        }
        if ((gates & D_BLANK_F) != 0 && words.has(s, FixedWords.CHANGED_FROM)) {
            s = startTypes(s);
        }
        if ((gates & (DOUBLE_QUOTE | EQUALS)) == (DOUBLE_QUOTE | EQUALS) && words.has(s, FixedWords.QUOTE_BLANK)) {
            s = klogPairs(s);
        }
        return later(s, line, gates, words);
    }

    /** Classes 11 to 15 of {@link #values}, each regex run where the line's gates or ends say it may match. */
    private static String later(String s, String line, int gates, FixedWords.Holder words) {
        // the regexes' '$' also matches before a final line terminator (a JSON message's decoded "\n", a lone
        // '\r' the line reader leaves): their ends are looked for before it (end)
        int n = end(s);
        char last = n == 0 ? 0 : s.charAt(n - 1);
        if (last == ']') {
            if ((gates & UPPER_R) != 0 && words.has(s, FixedWords.RESOLVED)) {
                s = replace(RESOLVED, s, 1, 2);
            }
        } else if (last == 'e' && endsWith(s, "] with root cause")) {
            s = replace(THREW, s, 1, 2);
        } else if (last == '"' && words.has(s, FixedWords.ACTIVE)) {
            s = replace(PROFILES, s, 1, 0);
        } else if (last == '}' && (gates & BRACE_QUOTE) != 0) {
            s = jsonTail(s);
        }
        if ((gates & T_COLON) != 0 && (words.has(s, FixedWords.STATEMENT_LOWER)
                || words.has(s, FixedWords.STATEMENT_UPPER))) {
            s = replace(STATEMENT, s, 1, 0);
        }
        if ((gates & SIX_COLON) != 0 && words.has(s, FixedWords.SHA256)) {
            s = KEY_TYPE.matcher(s).replaceAll(VALUE_REPLACEMENT);
            s = replace(FINGERPRINT, s, 1, 0);
        }
        if ((gates & UPPER_K) != 0 && words.has(s, FixedWords.KEY_PAREN)) {
            s = KEY_DETAIL.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + VALUE + m.group(2) + VALUE
                    + m.group(3)));
        }
        if ((gates & UPPER_C) != 0) {
            if (endsWith(s, "'") && words.has(s, FixedWords.COMMAND_LINE)) {
                s = replace(COMMAND_LINE, s, 1, 0);
            }
            if (endsWith(s, ")") && words.has(s, FixedWords.CMD)) {
                s = CRON_CMD.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + VALUE + m.group(2) + VALUE
                        + m.group(3)));
            }
            if ((gates & EQUALS) != 0 && words.has(s, FixedWords.COMMAND_EQUALS)) {
                s = SUDO.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + VALUE + m.group(2)
                        + m.group(3) + VALUE));
            }
        }
        if (endsWithSignalAction(s) && words.has(s, FixedWords.RECEIVED)) {
            s = replace(SIGNAL_ACTION, s, 1, 0);
        }
        if ((gates & STATE_WORD) != 0) {
            s = STATE.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + VALUE + m.group(2)));
        }
        if ((gates & DIGIT_PAREN) != 0 && words.has(s, FixedWords.ROCESS)) {
            s = replace(PROCESS_COMM, s, 1, 2);
        }
        if ((gates & GREATER) != 0) {
            if (words.has(s, FixedWords.TASK)) {
                s = replace(TASK_OUTCOME, s, 1, 0);
            }
            if (endsWith(s, "ED") && words.has(s, FixedWords.GREATER_BLANKS)) {
                s = TEST_EVENT.matcher(s).replaceAll(m -> Matcher.quoteReplacement(VALUE + m.group(1)));
            }
        }
        if (line.length() > 27 && line.charAt(0) == '[' && line.charAt(11) == 'T' && line.charAt(24) == ']') {
            s = elasticsearch(s);
        }
        return round6(s, gates, words);
    }

    /** Whether {@code s} ends with {@code , } and one of {@link #SIGNAL_ACTIONS} ({@link #SIGNAL_ACTION} needs it). */
    private static boolean endsWithSignalAction(String s) {
        int n = end(s);
        for (String a : SIGNAL_ACTIONS) {
            int at = n - a.length();
            if (at >= 2 && s.charAt(n - 1) == a.charAt(a.length() - 1) && s.startsWith(a, at) && s.charAt(at - 2) == ','
                    && s.charAt(at - 1) == ' ') {
                return true;
            }
        }
        return false;
    }

    /**
     * Where a {@code $} (without MULTILINE) first matches at the end of {@code s}: before a final line terminator
     * ({@code \r\n}, {@code \n}, {@code \r}, {@code \u0085}, {@code \u2028}, {@code \u2029}), else at the end.
     */
    static int end(String s) {
        int n = s.length();
        if (n >= 2 && s.charAt(n - 2) == '\r' && s.charAt(n - 1) == '\n') {
            return n - 2;
        }
        char c = n == 0 ? 0 : s.charAt(n - 1);
        return c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029' ? n - 1 : n;
    }

    /** Whether {@code s} ends with {@code suffix} before {@link #end}. */
    private static boolean endsWith(String s, String suffix) {
        return s.startsWith(suffix, end(s) - suffix.length());
    }

    /** {@code p}'s matches in {@code s}: group {@code before}, a value, then group {@code after} (0: none). */
    private static String replace(Pattern p, String s, int before, int after) {
        return p.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(before) + VALUE
                + (after == 0 ? "" : m.group(after))));
    }

    private static String jsonTail(String s) {
        Matcher m = JSON_TAIL.matcher(s);
        if (!m.find()) {
            return s;
        }
        String pairs = JSON_PAIR.matcher(m.group(1)).replaceAll(p -> Matcher.quoteReplacement(p.group(1) + VALUE));
        return s.substring(0, m.start(1)) + pairs + s.substring(m.end(1));
    }

    private static String elasticsearch(String s) {
        Matcher h = ES_HEADER.matcher(s);
        if (!h.find()) {
            return s;
        }
        int from = h.end(1);
        return s.substring(0, from) + ES_VALUE.matcher(s.substring(from)).replaceAll("[" + VALUE_REPLACEMENT + "]");
    }

    /** {@link #gates}: a {@code "}. */
    private static final int DOUBLE_QUOTE = 1;
    /** {@link #gates}: a {@code =}. */
    private static final int EQUALS = 2;
    /** {@link #gates}: a {@code P} (class 8's {@code Processing by}). */
    private static final int UPPER_P = 4;
    /** {@link #gates}: an {@code S} (class 8's {@code Start}, class 9's {@code SIG}). */
    private static final int UPPER_S = 8;
    /** {@link #gates}: a {@code :} after a blank (class 7). */
    private static final int BLANK_COLON = 16;
    /** {@link #gates}: {@code d f} (class 9's {@code changed from}). */
    private static final int D_BLANK_F = 32;
    /**
     * {@link #gates}: a blank that a quote or a letter follows, after a run of letters (or one and a colon) with
     * a noun's length, first and last letter (what a value of class 6 needs; the earlier classes' placeholders
     * start with {@code <} and end with {@code >}, so they make no such blank and change no such run).
     */
    private static final int NAMED_VALUE = 64;
    /** {@link #gates}: an {@code R} (class 11's {@code Resolved}). */
    private static final int UPPER_R = 128;
    /** {@link #gates}: a {@code K} (class 11's {@code Key (}). */
    private static final int UPPER_K = 256;
    /** {@link #gates}: a {@code C} (class 11's {@code Command line}, class 13's {@code CMD} and {@code COMMAND=}). */
    private static final int UPPER_C = 512;
    /** {@link #gates}: a {@code >} (class 14). */
    private static final int GREATER = 1024;
    /** {@link #gates}: {@code nt:} or {@code NT:} (class 11's statement). */
    private static final int T_COLON = 2048;
    /** {@link #gates}: a blank, then {@code state} (class 11's state name). */
    private static final int STATE_WORD = 4096;
    /** {@link #gates}: a digit, a blank and {@code (} (class 13's {@code process PID (comm)}). */
    private static final int DIGIT_PAREN = 8192;
    /** {@link #gates}: {@code 6:} (class 11's {@code SHA256:}). */
    private static final int SIX_COLON = 16384;
    /** {@link #gates}: a blank or a tab, {@code {"} (class 12's JSON object). */
    private static final int BRACE_QUOTE = 32768;
    /** The bits of {@link #gatesReference} each ASCII char gives alone. */
    private static final int[] GATE = new int[128];

    static {
        GATE['"'] = DOUBLE_QUOTE;
        GATE['='] = EQUALS;
        GATE['P'] = UPPER_P;
        GATE['S'] = UPPER_S;
        GATE['R'] = UPPER_R;
        GATE['K'] = UPPER_K;
        GATE['C'] = UPPER_C;
        GATE['>'] = GREATER;
    }

    /** {@link #GATE_BYTE}: a blank (look around it: {@link #NAMED_VALUE}, {@link #D_BLANK_F}). */
    private static final int AT_BLANK = 1 << 20;
    /** {@link #GATE_BYTE}: a colon (look before it: {@link #BLANK_COLON}). */
    private static final int AT_COLON = 1 << 21;
    /** {@link #GATE_BYTE}: a {@code {} (look around it: {@link #BRACE_QUOTE}). */
    private static final int AT_BRACE = 1 << 22;
    /** {@link #gates}' table by byte (ISO-8859-1): a gate's bits, or what to look at around the byte; 0 for most. */
    private static final int[] GATE_BYTE = new int[256];

    static {
        for (int c = 0; c < 128; c++) {
            GATE_BYTE[c] = GATE[c];
        }
        GATE_BYTE[' '] = AT_BLANK;
        GATE_BYTE[':'] = AT_COLON;
        GATE_BYTE['{'] = AT_BRACE;
    }

    /**
     * The gates of {@link #values} for {@code line}, in one pass: the bits of {@link #gatesReference}. The pass
     * reads the line's ISO-8859-1 bytes (a copy of a Latin-1 string's array: no per-char widening, as {@code
     * toCharArray} does under C1) through one table, so that a char that is no gate's (most letters) costs a lookup
     * and a test; the letter runs class 6 needs are read back from each blank. A char beyond Latin-1 becomes
     * {@code ?} (a surrogate pair one), which, as such a char, is no letter and no gate's.
     */
    static int gates(String line) {
        return gates(line.getBytes(StandardCharsets.ISO_8859_1), null);
    }

    /**
     * {@link #gates(String)} of the text whose ISO-8859-1 bytes are {@code b}, with {@link FixedWords#census} of it
     * taken in the same pass and handed to {@code words} (where not null): each two adjacent bytes looked up in the
     * census's table as the gates' table is read.
     */
    static int gates(byte[] b, FixedWords.Holder words) {
        int n = b.length;
        if (n == 0) {
            if (words != null) {
                words.keep(0);
            }
            return 0;
        }
        short[] step = STEP;
        int g = 0;
        long bits = 0;
        int last = n - 1;
        int c = b[0] & 0xff;
        for (int i = 0; i < last; i++) {
            int next = b[i + 1] & 0xff;
            int v = step[c << 8 | next]; // the pair's census row, and whether c is a gate's byte (the sign)
            if (v != 0) {
                int row = v & STEP_ROW;
                if (row != 0 && FixedWords.mayFind(b, i, row - 1)) {
                    bits = FixedWords.pairAt(b, i, row - 1, bits);
                }
                if (v < 0) {
                    int k = GATE_BYTE[c];
                    if (k < AT_BLANK) {
                        g |= k;
                    } else if (k == AT_BLANK) {
                        if (next == 'f' && i > 0 && b[i - 1] == 'd') {
                            g |= D_BLANK_F;
                        } else if (next == 's' && i + 5 < n && b[i + 2] == 't' && b[i + 3] == 'a' && b[i + 4] == 't'
                                && b[i + 5] == 'e') {
                            g |= STATE_WORD;
                        } else if (next == '(' && i > 0 && b[i - 1] >= '0' && b[i - 1] <= '9') {
                            g |= DIGIT_PAREN;
                        }
                        // class 6: a noun's letters (by length, first and last letter) end here or at a colon before,
                        // and a quote or a letter follows
                        if (next == '"' || next == '\'' || next == '\\' || letterByte(next)) {
                            int e = i > 0 && b[i - 1] == ':' ? i - 1 : i;
                            int w = e;
                            while (w > 0 && e - w < 14 && letterByte(b[w - 1])) {
                                w--;
                            }
                            int len = e - w;
                            if (len >= 2 && len <= 13 && NOUN_SHAPES[shape(len, (char) b[w], (char) b[e - 1])]) {
                                g |= NAMED_VALUE;
                            }
                        }
                    } else if (k == AT_BRACE) {
                        if (i > 0 && (b[i - 1] == ' ' || b[i - 1] == '\t') && next == '"') {
                            g |= BRACE_QUOTE;
                        }
                    } else {
                        g = colonGates(b, i, g);
                    }
                }
            }
            c = next;
        }
        // the last byte: no pair from it (a blank or a brace there sets nothing: each looks at the byte after)
        int k = GATE_BYTE[c];
        if (k < AT_BLANK) {
            g |= k;
        } else if (k == AT_COLON) {
            g = colonGates(b, last, g);
        }
        if (words != null) {
            words.keep(FixedWords.lastByte(b, bits));
        }
        return g;
    }

    /** {@code g} with the gates of the colon at {@code i} of {@code b} (by the byte or two before it). */
    private static int colonGates(byte[] b, int i, int g) {
        if (i > 0) {
            int before = b[i - 1];
            if (before == ' ' || before == '\t') {
                g |= BLANK_COLON;
            } else if (i > 1 && (before == 't' && b[i - 2] == 'n' || before == 'T' && b[i - 2] == 'N')) {
                g |= T_COLON;
            } else if (before == '6') {
                g |= SIX_COLON;
            }
        }
        return g;
    }

    /** The bits of {@link #STEP} that are a pair's census row ({@link FixedWords#pairRow}). */
    private static final int STEP_ROW = 0x7fff;
    /**
     * {@link #gates}' one table by two adjacent bytes ({@code first << 8 | second}): {@link FixedWords#pairRow}, with
     * the sign bit set where {@code first} is a gate's byte ({@link #GATE_BYTE} not 0), so that a byte that is neither
     * (most letters) costs one lookup and one test.
     */
    private static final short[] STEP = stepTable();

    private static short[] stepTable() {
        short[] t = FixedWords.pairTable();
        for (int c = 0; c < 256; c++) {
            if (GATE_BYTE[c] != 0) {
                for (int second = 0; second < 256; second++) {
                    t[c << 8 | second] |= (short) 0x8000;
                }
            }
        }
        return t;
    }

    /** {@link #gates(byte[], FixedWords.Holder)} as it was before {@link #STEP}: two lookups a byte (the reference). */
    static int gatesTwoTables(byte[] b, FixedWords.Holder words) {

        int g = 0;
        long bits = 0;
        int n = b.length;
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            if (i + 1 < n) {
                int row = FixedWords.pairRow(c, b[i + 1] & 0xff);
                if (row != 0 && FixedWords.mayFind(b, i, row - 1)) {
                    bits = FixedWords.pairAt(b, i, row - 1, bits);
                }
            }
            int k = GATE_BYTE[c];
            if (k == 0) {
                continue;
            }
            if (k < AT_BLANK) {
                g |= k;
            } else if (k == AT_BLANK) {
                if (i + 1 < n) {
                    int next = b[i + 1];
                    if (next == 'f' && i > 0 && b[i - 1] == 'd') {
                        g |= D_BLANK_F;
                    } else if (next == 's' && i + 5 < n && b[i + 2] == 't' && b[i + 3] == 'a' && b[i + 4] == 't'
                            && b[i + 5] == 'e') {
                        g |= STATE_WORD;
                    } else if (next == '(' && i > 0 && b[i - 1] >= '0' && b[i - 1] <= '9') {
                        g |= DIGIT_PAREN;
                    }
                    // class 6: a noun's letters (by length, first and last letter) end here or at a colon before,
                    // and a quote or a letter follows
                    if (next == '"' || next == '\'' || next == '\\' || letterByte(next)) {
                        int e = i > 0 && b[i - 1] == ':' ? i - 1 : i;
                        int w = e;
                        while (w > 0 && e - w < 14 && letterByte(b[w - 1])) {
                            w--;
                        }
                        int len = e - w;
                        if (len >= 2 && len <= 13 && NOUN_SHAPES[shape(len, (char) b[w], (char) b[e - 1])]) {
                            g |= NAMED_VALUE;
                        }
                    }
                }
            } else if (k == AT_BRACE) {
                if (i > 0 && i + 1 < n && (b[i - 1] == ' ' || b[i - 1] == '\t') && b[i + 1] == '"') {
                    g |= BRACE_QUOTE;
                }
            } else if (i > 0) {
                int before = b[i - 1];
                if (before == ' ' || before == '\t') {
                    g |= BLANK_COLON;
                } else if (i > 1 && (before == 't' && b[i - 2] == 'n' || before == 'T' && b[i - 2] == 'N')) {
                    g |= T_COLON;
                } else if (before == '6') {
                    g |= SIX_COLON;
                }
            }
        }
        if (words != null) {
            words.keep(n == 0 ? 0 : FixedWords.lastByte(b, bits));
        }
        return g;
    }

    private static boolean letterByte(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** {@link #gates} over the line's chars, a run of letters at a time (the reference). */
    static int gatesReference(String line) {
        char[] cs = line.toCharArray(); // (array reads: cheaper than charAt per char before C2)
        int g = 0;
        int n = cs.length;
        int runStart = -1; // the start of the run of ASCII letters going on, or -1
        int lastStart = -1; // the last ended run of letters: [lastStart, lastEnd)
        int lastEnd = -1;
        for (int i = 0; i < n; i++) {
            char c = cs[i];
            if (c < 128 && letterAscii(c)) {
                g |= GATE[c]; // P, S
                if (c == 'f' && i > 1 && cs[i - 1] == ' ' && cs[i - 2] == 'd') {
                    g |= D_BLANK_F;
                }
                if (c == 's' && i > 0 && cs[i - 1] == ' ' && line.startsWith("state", i)) {
                    g |= STATE_WORD;
                }
                if (runStart < 0) {
                    runStart = i;
                }
                continue;
            }
            if (runStart >= 0) {
                lastStart = runStart;
                lastEnd = i;
                runStart = -1;
            }
            if (c >= 128) {
                continue;
            }
            g |= GATE[c];
            if (c == '(' && i > 1 && cs[i - 1] == ' ' && cs[i - 2] >= '0' && cs[i - 2] <= '9') {
                g |= DIGIT_PAREN;
            }
            if (c == ' ') {
                // class 6: a noun's letters (by length, first and last letter) end here or at a colon before, and a
                // quote or a letter follows
                if (i + 1 < n && (cs[i + 1] == '"' || cs[i + 1] == '\'' || cs[i + 1] == '\\'
                        || letterAscii(cs[i + 1]))) {
                    int e = i > 0 && cs[i - 1] == ':' ? i - 1 : i;
                    if (lastEnd == e && nounShape(cs, lastStart, lastEnd)) {
                        g |= NAMED_VALUE;
                    }
                }
            } else if (c == ':') {
                if (i > 0 && (cs[i - 1] == ' ' || cs[i - 1] == '\t')) {
                    g |= BLANK_COLON;
                }
                if (i > 1 && (cs[i - 1] == 't' && cs[i - 2] == 'n' || cs[i - 1] == 'T' && cs[i - 2] == 'N')) {
                    g |= T_COLON;
                }
                if (i > 0 && cs[i - 1] == '6') {
                    g |= SIX_COLON;
                }
            } else if (c == '{') {
                if (i > 0 && i + 1 < n && (cs[i - 1] == ' ' || cs[i - 1] == '\t') && cs[i + 1] == '"') {
                    g |= BRACE_QUOTE;
                }
            }
        }
        return g;
    }

    /** Per length (to 13), first and last letter in lower case: whether a noun of {@link #NOUNS} has that shape. */
    private static final boolean[] NOUN_SHAPES = new boolean[14 * 26 * 26];

    static {
        for (String w : NOUNS) {
            NOUN_SHAPES[shape(w.length(), w.charAt(0), w.charAt(w.length() - 1))] = true;
        }
    }

    private static int shape(int length, char first, char last) {
        return (length * 26 + ((first | 0x20) - 'a')) * 26 + ((last | 0x20) - 'a');
    }

    /** Whether the letters {@code cs[from, to)} have the length, first and last letter of a noun of {@link #NOUNS}. */
    private static boolean nounShape(char[] cs, int from, int to) {
        int len = to - from;
        return len >= 2 && len <= 13 && NOUN_SHAPES[shape(len, cs[from], cs[to - 1])];
    }

    private static final String VALUE_REPLACEMENT = Matcher.quoteReplacement(VALUE);

    /** {@link #values} by the regexes alone (the reference). */
    static String valuesReference(String line) {
        String s = systemd(line);
        s = REASON.matcher(s).replaceAll(m -> Matcher.quoteReplacement(
                m.group().substring(0, m.start(1) - m.start()) + VALUE));
        s = FIELD_REQUEST.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + VALUE + m.group(3)));
        s = TARGET.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + VALUE));
        s = RELATIVE_PATH.matcher(s).replaceAll(Matcher.quoteReplacement(PATH));
        s = NAMED.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(2) != null
                ? m.group(1) + m.group(2) + VALUE + m.group(2) : m.group(3) != null ? m.group(1) + m.group(3) + VALUE
                + m.group(3) : m.group(1) + VALUE));
        s = SYMBOL.matcher(s).replaceAll(VALUE_REPLACEMENT);
        s = processing(s);
        s = springStart(s);
        s = SIGNAL.matcher(s).replaceAll(VALUE_REPLACEMENT);
        s = startTypes(s);
        s = klogPairs(s);
        s = replace(RESOLVED, s, 1, 2);
        s = replace(THREW, s, 1, 2);
        s = replace(PROFILES, s, 1, 0);
        s = jsonTail(s);
        s = replace(STATEMENT, s, 1, 0);
        s = KEY_TYPE.matcher(s).replaceAll(VALUE_REPLACEMENT);
        s = replace(FINGERPRINT, s, 1, 0);
        s = KEY_DETAIL.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + VALUE + m.group(2) + VALUE
                + m.group(3)));
        s = replace(COMMAND_LINE, s, 1, 0);
        s = CRON_CMD.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + VALUE + m.group(2) + VALUE
                + m.group(3)));
        s = SUDO.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + VALUE + m.group(2) + m.group(3)
                + VALUE));
        s = replace(SIGNAL_ACTION, s, 1, 0);
        s = STATE.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + VALUE + m.group(2)));
        s = replace(PROCESS_COMM, s, 1, 2);
        s = replace(TASK_OUTCOME, s, 1, 0);
        s = TEST_EVENT.matcher(s).replaceAll(m -> Matcher.quoteReplacement(VALUE + m.group(1)));
        s = elasticsearch(s);
        s = replace(K8S_OBJECT, s, 1, 0);
        s = replace(CONTAINER, s, 1, 0);
        s = k8sWords(s);
        s = replace(CELERY, s, 1, 0);
        s = replace(NAMED_ID, s, 1, 0);
        s = buildValues(s);
        s = replace(USE_DB, s, 1, 2);
        s = PHP_NAME.matcher(s).replaceAll(m -> Matcher.quoteReplacement((m.group(1) != null ? m.group(1) : "")
                + VALUE));
        s = replace(USER_HOST, s, 1, 0);
        s = replace(GUNICORN_WORD, s, 1, 0);
        return djangoReasons(s);
    }

    private static String djangoReasons(String s) {
        return DJANGO_REASON.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + VALUE + m.group(2)
                + (m.group(3) != null ? VALUE : "")));
    }

    /**
     * Class 16 of {@link #values}, each regex run where a cheap look at the line says it may match ({@code gates}:
     * the line's, {@link #gates}; the classes before leave a noun's run of letters as it was, see {@link #values}).
     */
    private static String round6(String s, int gates, FixedWords.Holder words) {
        if (words.has(s, FixedWords.SLASH) && mayNameObject(s)) {
            s = replace(K8S_OBJECT, s, 1, 0);
        }
        if (words.has(s, FixedWords.CONTAINER)) {
            s = replace(CONTAINER, s, 1, 0);
        }
        if (words.has(s, FixedWords.SCALED) || words.has(s, FixedWords.PROBE)) {
            s = k8sWords(s);
        }
        if (words.has(s, FixedWords.SUCCEEDED_IN) || words.has(s, FixedWords.UNEXPECTED)
                || words.has(s, FixedWords.RETRY)) {
            s = replace(CELERY, s, 1, 0);
        }
        if ((gates & NAMED_VALUE) != 0 && mayNameId(s)) {
            s = replace(NAMED_ID, s, 1, 0);
        }
        int n = end(s);
        char c0 = s.isEmpty() ? 0 : s.charAt(0);
        if (((c0 == ' ' || c0 == '\t') && n > 0 && digit(s.charAt(n - 1)) && words.has(s, FixedWords.AT))
                || words.has(s, FixedWords.UNRESOLVED)) {
            s = buildValues(s);
        }
        if (c0 == 'u' && s.startsWith("use ")) {
            s = replace(USE_DB, s, 1, 2);
        }
        if (words.has(s, FixedWords.NDEFINED) || words.has(s, FixedWords.PASSING_NULL)) {
            s = PHP_NAME.matcher(s).replaceAll(m -> Matcher.quoteReplacement((m.group(1) != null ? m.group(1) : "")
                    + VALUE));
        }
        return round7(s, c0, words);
    }

    /** Class 17 of {@link #values}: each regex run where the line holds its fixed words ({@code c0} its first char). */
    private static String round7(String s, char c0, FixedWords.Holder words) {
        if (c0 == '#' && s.startsWith("# User@Host: ")) {
            s = replace(USER_HOST, s, 1, 0);
        }
        if (words.has(s, FixedWords.USING_WORKER) || words.has(s, FixedWords.HANDLING_SIGNAL)) {
            s = replace(GUNICORN_WORD, s, 1, 0);
        }
        if (words.has(s, FixedWords.PAREN_COLON) && (words.has(s, FixedWords.METHOD_NOT_ALLOWED)
                || words.has(s, FixedWords.FORBIDDEN))) {
            s = djangoReasons(s);
        }
        return s;
    }

    /** {@link #KINDS} as an array (what {@link #mayNameObject} compares with). */
    private static final String[] KIND_LIST = KINDS.toArray(new String[0]);

    /**
     * Whether a {@code /} of {@code s} follows one of {@link #KINDS} (after its API group's dotted parts, if any)
     * that starts the run of lower-case letters, digits and dots before it: what {@link #K8S_OBJECT} needs.
     */
    private static boolean mayNameObject(String s) {
        for (int sl = s.indexOf('/'); sl >= 0; sl = s.indexOf('/', sl + 1)) {
            int w = sl;
            while (w > 0 && ((s.charAt(w - 1) >= 'a' && s.charAt(w - 1) <= 'z') || digit(s.charAt(w - 1))
                    || s.charAt(w - 1) == '.')) {
                w--;
            }
            int e = w;
            while (e < sl && s.charAt(e) != '.') {
                e++;
            }
            for (String k : KIND_LIST) {
                if (k.length() == e - w && s.startsWith(k, w)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether {@link #NAMED_ID} matches in {@code s}, by hand: at a blank, a noun of {@link #NOUNS} before it (not
     * after a word char or {@code -}), and after it letters then digits then no {@code [\w.\-/]}, or a run of
     * {@code [\w.\-]} starting with a letter, then a blank and 12 to 64 lower-case hex digits in parentheses.
     */
    static boolean mayNameId(String s) {
        int n = s.length();
        for (int sp = s.indexOf(' ', 1); sp >= 0 && sp + 1 < n; sp = s.indexOf(' ', sp + 1)) {
            int i = sp + 1;
            if (!letterAscii(s.charAt(i))) {
                continue;
            }
            // the noun before the blank first (its shape: a table lookup), then the value after it
            int w = sp;
            while (w > 0 && sp - w <= 13 && letterAscii(s.charAt(w - 1))) {
                w--;
            }
            int len = sp - w;
            if (len == 0 || len > 13 || !NOUN_SHAPES[shape(len, s.charAt(w), s.charAt(sp - 1))]
                    || (w > 0 && (word(s.charAt(w - 1)) || s.charAt(w - 1) == '-')) || !noun(s, w, sp)) {
                continue;
            }
            int e = i;
            while (e < n && letterAscii(s.charAt(e))) {
                e++;
            }
            int d = e;
            while (d < n && digit(s.charAt(d))) {
                d++;
            }
            boolean value = d > e && (d == n || !(word(s.charAt(d)) || s.charAt(d) == '.' || s.charAt(d) == '-'
                    || s.charAt(d) == '/')) && !technicalName(s, i, d);
            if (!value) {
                while (d < n && (word(s.charAt(d)) || s.charAt(d) == '.' || s.charAt(d) == '-')) {
                    d++;
                }
                if (d + 2 < n && s.charAt(d) == ' ' && s.charAt(d + 1) == '(') {
                    int h = d + 2;
                    while (h < n && ((s.charAt(h) >= 'a' && s.charAt(h) <= 'f') || digit(s.charAt(h)))) {
                        h++;
                    }
                    value = h < n && s.charAt(h) == ')' && h - d - 2 >= 12 && h - d - 2 <= 64;
                }
            }
            if (value) {
                return true;
            }
        }
        return false;
    }

    /** Per length (to 10) and first letter in lower case: whether a name of {@link #TECHNICAL_NAMES} has that shape. */
    private static final boolean[] TECHNICAL_SHAPES = new boolean[11 * 26];

    static {
        for (String w : TECHNICAL_NAMES) {
            TECHNICAL_SHAPES[w.length() * 26 + w.charAt(0) - 'a'] = true;
        }
    }

    /** Whether {@code s[from, to)} (ASCII letters, then digits) is one of {@link #TECHNICAL_NAMES} in any case. */
    private static boolean technicalName(String s, int from, int to) {
        int len = to - from;
        return len <= 10 && TECHNICAL_SHAPES[len * 26 + (s.charAt(from) | 0x20) - 'a']
                && TECHNICAL_NAMES.contains(s.substring(from, to).toLowerCase(java.util.Locale.ROOT));
    }

    private static String buildValues(String s) {
        return BUILD_VALUE.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) != null
                ? m.group(1) + VALUE + m.group(2) : m.group(3) + VALUE));
    }

    private static String k8sWords(String s) {
        return K8S_WORD.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) != null
                ? m.group(1) + VALUE + m.group(2) : VALUE + m.group(4)));
    }

    /**
     * Class 10: {@link #klogPairsReference}, the regex's search started at the first quote a match can start with
     * (the line's first character, or one after a {@code \s}: group 1's start), none where there is no such quote
     * (a logfmt line's {@code msg="..."} has none): the same first match, without trying every position before.
     */
    static String klogPairs(String s) {
        int q = s.indexOf('"');
        while (q > 0 && !space(s.charAt(q - 1))) {
            q = s.indexOf('"', q + 1);
        }
        return q < 0 ? s : klogPairs(s, KLOG_PAIRS.matcher(s), q);
    }

    /** Class 10 as specified: the regex's first match in the whole line (the reference). */
    static String klogPairsReference(String s) {
        return klogPairs(s, KLOG_PAIRS.matcher(s), 0);
    }

    private static String klogPairs(String s, Matcher m, int from) {
        if (!m.find(from)) {
            return s;
        }
        String pairs = KLOG_PAIR.matcher(m.group(2)).replaceAll(p -> Matcher.quoteReplacement(p.group(1) + VALUE));
        return s.substring(0, m.start(2)) + pairs + s.substring(m.end(2));
    }

    private static String processing(String s) {
        return PROCESSING.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + VALUE + m.group(2) + VALUE));
    }

    private static String springStart(String s) {
        return SPRING_START.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + VALUE));
    }

    private static String startTypes(String s) {
        return START_TYPE.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + VALUE + m.group(2) + VALUE));
    }

    /**
     * Class 6 by hand: at each quote or letter after a blank, the word before the blank (and a colon) a noun of
     * {@link #NOUNS}, then a quoted token or a compound name.
     */
    private static String named(String line) {
        int n = line.length();
        StringBuilder sb = null;
        int copied = 0;
        // at each blank (from the second char on) that a quote or a letter follows
        for (int sp = line.indexOf(' ', 1); sp >= 0 && sp + 1 < n; sp = line.indexOf(' ', sp + 1)) {
            int i = sp + 1;
            char q = line.charAt(i);
            // klog's \"name\" in a quoted message
            boolean escaped = q == '\\' && i + 1 < n && line.charAt(i + 1) == '"';
            boolean quote = q == '"' || q == '\'' || escaped;
            if (!quote && !letterAscii(q)) {
                continue;
            }
            int end = sp; // the noun's end: the blank, or a colon before it
            if (end > 0 && line.charAt(end - 1) == ':') {
                end--;
            }
            int w = end;
            while (w > 0 && end - w <= 13 && letterAscii(line.charAt(w - 1))) {
                w--;
            }
            // w < copied: the noun would lie in the value just masked, where the regex's scan has moved past
            if (w == end || end - w > 13 || w < copied
                    || (w > 0 && (word(line.charAt(w - 1)) || line.charAt(w - 1) == '-')) || !noun(line, w, end)) {
                continue;
            }
            int from;
            int to;
            if (escaped) {
                int e = i + 2;
                while (e < n && e - i - 2 <= 64) {
                    char c = line.charAt(e);
                    if (c == '"' || c == '\'' || c == '\\' || space(c)) {
                        break;
                    }
                    e++;
                }
                if (e + 1 >= n || line.charAt(e) != '\\' || line.charAt(e + 1) != '"' || e == i + 2 || e - i - 2 > 64) {
                    continue;
                }
                from = i + 2;
                to = e;
            } else if (quote) {
                int e = i + 1;
                while (e < n && e - i - 1 <= 64) {
                    char c = line.charAt(e);
                    if (c == '"' || c == '\'' || space(c)) {
                        break;
                    }
                    e++;
                }
                if (e >= n || line.charAt(e) != q || e == i + 1 || e - i - 1 > 64) {
                    continue;
                }
                from = i + 1;
                to = e;
            } else {
                to = compoundEnd(line, i);
                if (to < 0) {
                    continue;
                }
                from = i;
            }
            if (sb == null) {
                sb = new StringBuilder(n);
            }
            sb.append(line, copied, from).append(VALUE);
            copied = to;
            sp = to - 1; // a quote's closing quote, a compound's last char: no blank, the search goes on after it
        }
        return sb == null ? line : sb.append(line, copied, n).toString();
    }

    /**
     * The end of the compound name of {@link #NAMED} at {@code i} (a letter there): runs of ASCII letters and digits
     * joined by single {@code - _ . /}, at least one of them, and no {@code - _ /} after (a dot after it ends a
     * sentence); else -1.
     */
    private static int compoundEnd(String line, int i) {
        int n = line.length();
        int e = i + 1;
        int parts = 0;
        while (true) {
            while (e < n && alnum(line.charAt(e))) {
                e++;
            }
            if (e + 1 < n && separator(line.charAt(e)) && alnum(line.charAt(e + 1))) {
                e += 2;
                parts++;
            } else {
                break;
            }
        }
        if (parts == 0 || (e < n && line.charAt(e) != '.' && separator(line.charAt(e)))) {
            return -1;
        }
        return e;
    }

    private static boolean alnum(char c) {
        return letterAscii(c) || digit(c);
    }

    private static boolean separator(char c) {
        return c == '-' || c == '_' || c == '.' || c == '/';
    }

    /** {@link #NOUNS} in lower case by length, for {@link #noun}. */
    private static final char[][][] NOUNS_BY_LENGTH = new char[14][][];

    static {
        for (int len = 0; len < NOUNS_BY_LENGTH.length; len++) {
            final int l = len;
            NOUNS_BY_LENGTH[len] = NOUNS.stream().filter(x -> x.length() == l).map(String::toCharArray)
                    .toArray(char[][]::new);
        }
    }

    /** Whether {@code line[from, to)} (ASCII letters, at most 13) is one of {@link #NOUNS} in any case. */
    private static boolean noun(String line, int from, int to) {
        for (char[] w : NOUNS_BY_LENGTH[to - from]) {
            int k = 0;
            while (k < w.length && (line.charAt(from + k) | 0x20) == w[k]) {
                k++;
            }
            if (k == w.length) {
                return true;
            }
        }
        return false;
    }

    /** Class 7 by hand: at each {@code :} after a blank. */
    private static String symbols(String line) {
        int n = line.length();
        StringBuilder sb = null;
        int copied = 0;
        for (int i = line.indexOf(':', 1); i >= 0; i = i + 1 < n ? line.indexOf(':', i + 1) : -1) {
            char b = line.charAt(i - 1);
            if ((b != ' ' && b != '\t') || i + 1 >= n) {
                continue;
            }
            char c = line.charAt(i + 1);
            if (!((c >= 'a' && c <= 'z') || c == '_')) {
                continue;
            }
            int e = i + 2;
            while (e < n && (letterAscii(line.charAt(e)) || digit(line.charAt(e)) || line.charAt(e) == '_')) {
                e++;
            }
            if (e < n && (line.charAt(e) == '?' || line.charAt(e) == '!')) {
                e++;
            }
            // the regex's $ also matches before a final line terminator (U+2028 is none of its blanks)
            if (e < n && e != end(line)) {
                char a = line.charAt(e);
                if (!space(a) && a != ',' && a != ')' && a != ']') {
                    continue;
                }
            }
            if (sb == null) {
                sb = new StringBuilder(n);
            }
            sb.append(line, copied, i).append(VALUE);
            copied = e;
            i = e - 1;
        }
        return sb == null ? line : sb.append(line, copied, n).toString();
    }

    private static String systemd(String line) {
        Matcher m = SYSTEMD.matcher(line);
        if (!m.find()) {
            return line;
        }
        int g = m.start(1) >= 0 ? 1 : 2;
        return line.substring(0, m.start(g)) + VALUE + line.substring(m.end(g));
    }

    /** Class 1 by hand: at a space after three digits that follow no word character or dot, a phrase. */
    private static String reasons(String line) {
        int n = line.length();
        StringBuilder sb = null;
        int copied = 0;
        for (int i = line.indexOf(' ', 3); i >= 0 && i + 1 < n; i = line.indexOf(' ', i + 1)) {
            if (!upperAscii(line.charAt(i + 1))) {
                continue;
            }
            char d0 = line.charAt(i - 3);
            if (d0 < '1' || d0 > '5' || !digit(line.charAt(i - 2)) || !digit(line.charAt(i - 1))
                    || (i > 3 && (word(line.charAt(i - 4)) || line.charAt(i - 4) == '.'))) {
                continue;
            }
            String phrase = reasonAt(line, i + 1);
            if (phrase == null) {
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(n);
            }
            sb.append(line, copied, i + 1).append(VALUE);
            copied = i + 1 + phrase.length();
            i = copied - 1;
        }
        return sb == null ? line : sb.append(line, copied, n).toString();
    }

    private static final String[] REASONS_BY_LENGTH = byLength(REASONS);

    private static String reasonAt(String line, int p) {
        for (String r : REASONS_BY_LENGTH) {
            if (line.startsWith(r, p)) {
                int e = p + r.length();
                if (e == line.length()) {
                    return r;
                }
                char c = line.charAt(e);
                if (!word(c) && c != '-' && c != '\'') {
                    return r;
                }
            }
        }
        return null;
    }

    /** Class 2 by hand: at a {@code /} after a space (or a space and a quote), the method before it. */
    private static String targets(String line) {
        int n = line.length();
        StringBuilder sb = null;
        int copied = 0;
        for (int i = line.indexOf('/'); i >= 0; i = i + 1 < n ? line.indexOf('/', i + 1) : -1) {
            int j = i;
            if (j > 0 && line.charAt(j - 1) == '"') {
                j--;
            }
            if (j == 0 || line.charAt(j - 1) != ' ') {
                continue;
            }
            int e = j - 1; // the space
            int b = e;
            if (b > 0 && line.charAt(b - 1) == ']') {
                b--;
            }
            int m = b;
            while (m > 0 && upperAscii(line.charAt(m - 1))) {
                m--;
            }
            if (m == b || !method(line, m, b)) {
                continue;
            }
            if (m > 0 && line.charAt(m - 1) == '[') {
                m--;
            }
            if (m > 0 && !space(line.charAt(m - 1)) && line.charAt(m - 1) != '"') {
                continue;
            }
            int end = i;
            while (end < n && line.charAt(end) != '"' && !space(line.charAt(end))) {
                end++;
            }
            if (sb == null) {
                sb = new StringBuilder(n);
            }
            sb.append(line, copied, i).append(VALUE);
            copied = end;
            if (end >= n) {
                break;
            }
            i = end - 1 < i ? i : end - 1;
        }
        return sb == null ? line : sb.append(line, copied, n).toString();
    }

    /** Class 2's request line as a field's value by hand: at each {@code : "} after a word character. */
    private static String fieldRequests(String line) {
        int n = line.length();
        StringBuilder sb = null;
        int copied = 0;
        for (int i = line.indexOf(": \""); i >= 0; i = line.indexOf(": \"", i + 1)) {
            if (i == 0 || !word(line.charAt(i - 1))) {
                continue;
            }
            int b = i + 3;
            int m = b;
            while (m < n && upperAscii(line.charAt(m))) {
                m++;
            }
            if (m >= n || line.charAt(m) != ' ' || !method(line, b, m)) {
                continue;
            }
            int q = line.indexOf('"', m + 1);
            if (q < 0) {
                break;
            }
            if (sb == null) {
                sb = new StringBuilder(n);
            }
            sb.append(line, copied, b).append(VALUE);
            copied = q;
            i = q - 1;
        }
        return sb == null ? line : sb.append(line, copied, n).toString();
    }

    private static boolean method(String line, int from, int to) {
        for (String m : METHODS) {
            if (m.length() == to - from && line.startsWith(m, from)) {
                return true;
            }
        }
        return false;
    }

    /** Class 4 by hand: each token around a {@code /}. */
    private static String relativePaths(String line) {
        int n = line.length();
        StringBuilder sb = null;
        int copied = 0;
        for (int i = line.indexOf('/'); i >= 0; i = i + 1 < n ? line.indexOf('/', i + 1) : -1) {
            int s = i;
            while (s > 0 && pathChar(line.charAt(s - 1))) {
                s--;
            }
            int e = i;
            while (e < n && pathChar(line.charAt(e))) {
                e++;
            }
            int next = e;
            if (s > 0 && !before(line.charAt(s - 1)) || e < n && !after(line.charAt(e)) || !relativePath(line, s, e)) {
                i = Math.max(i, next - 1);
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(n);
            }
            sb.append(line, copied, s).append(PATH);
            copied = e;
            i = Math.max(i, e - 1);
        }
        return sb == null ? line : sb.append(line, copied, n).toString();
    }

    private static boolean relativePath(String t, int s, int e) {
        char c = t.charAt(s);
        if (!(letterAscii(c) || c == '_' || c == '.')) {
            return false;
        }
        int lastSlash = -1;
        for (int k = s; k < e; k++) {
            if (t.charAt(k) == '/') {
                if (k == s || t.charAt(k - 1) == '/') {
                    return false; // an empty segment (also a leading slash)
                }
                lastSlash = k;
            }
        }
        int dot = t.lastIndexOf('.', e - 1);
        if (dot <= lastSlash) {
            return false;
        }
        int len = e - dot - 1;
        if (len < 1 || len > 5 || !letterAscii(t.charAt(dot + 1))) {
            return false;
        }
        for (int k = dot + 2; k < e; k++) {
            char x = t.charAt(k);
            if (!letterAscii(x) && !digit(x)) {
                return false;
            }
        }
        return true;
    }

    private static boolean pathChar(char c) {
        return word(c) || c == '.' || c == '-' || c == '/';
    }

    private static boolean before(char c) {
        return space(c) || c == '(' || c == '[' || c == '"' || c == '\'' || c == '=';
    }

    private static boolean after(char c) {
        return space(c) || c == ')' || c == ']' || c == '"' || c == '\'' || c == ',' || c == ':'
                || c == ';';
    }

    /** The regexes' {@code \\s}. */
    private static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    private static boolean word(char c) {
        return letterAscii(c) || digit(c) || c == '_';
    }

    private static boolean letterAscii(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean upperAscii(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }
}
