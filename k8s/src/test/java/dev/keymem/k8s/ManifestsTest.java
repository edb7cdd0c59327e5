package dev.keymem.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.keymem.cluster.KeymemJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks every manifest under {@code k8s/}: valid against its CustomResourceDefinition's
 * {@code openAPIV3Schema} (offline copies in {@code ../shared/k8s-schemas}, validated with networknt's
 * JSON schema validator), no field the API server would silently prune, and consistent with the build:
 * the image's jar paths and names match the Dockerfiles and the poms, the entry class exists, the job
 * arguments are accepted by {@link KeymemJob}, and the Kafka topics they name are declared. The
 * schema tests skip, with the reason printed, where the schemas are absent.
 */
class ManifestsTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static Path root;
    static Path schemas;
    static final Map<String, JsonNode> crds = new LinkedHashMap<>();
    static final List<Manifest> manifests = new ArrayList<>();

    record Manifest(Path file, JsonNode doc) {
        String kind() {
            return doc.path("kind").asText();
        }

        String name() {
            return file.getFileName() + ":" + kind() + "/" + doc.path("metadata").path("name").asText();
        }
    }

    @BeforeAll
    static void load() throws IOException {
        root = Path.of("").toAbsolutePath().getParent();
        schemas = root.resolveSibling("shared").resolve("k8s-schemas");
        if (Files.isDirectory(schemas)) {
            for (Path f : yamlFiles(schemas)) {
                for (JsonNode crd : docs(f)) {
                    if (!crd.path("kind").asText().equals("CustomResourceDefinition")) {
                        continue;
                    }
                    String group = crd.at("/spec/group").asText();
                    String kind = crd.at("/spec/names/kind").asText();
                    for (JsonNode v : crd.at("/spec/versions")) {
                        crds.put(group + "/" + v.path("name").asText() + ":" + kind, v.at("/schema/openAPIV3Schema"));
                    }
                }
            }
        }
        for (Path f : yamlFiles(root.resolve("k8s"))) {
            for (JsonNode d : docs(f)) {
                manifests.add(new Manifest(f, d));
            }
        }
    }

    static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/src/")).sorted().toList();
        }
    }

    static List<JsonNode> docs(Path f) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(f.toFile())) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isMissingNode() && !n.isNull() && n.size() > 0) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    static void assumeSchemas() {
        if (crds.isEmpty()) {
            System.out.println("ManifestsTest: CRD schema checks skipped: no schemas in " + schemas);
        }
        assumeTrue(!crds.isEmpty(), "no CRD schemas in " + schemas);
    }

    /** Schema violations plus fields the API server would prune (hand-written: the validator allows them). */
    static List<String> problems(JsonNode doc) {
        String key = doc.path("apiVersion").asText() + ":" + doc.path("kind").asText();
        JsonNode schema = crds.get(key);
        if (schema == null) {
            return List.of("no CRD schema for " + key + " (known: " + crds.keySet() + ")");
        }
        List<String> out = new ArrayList<>();
        JsonSchema s = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
        for (ValidationMessage m : s.validate(doc)) {
            out.add(m.getMessage());
        }
        unknownFields(schema, doc, "$", out);
        return out;
    }

    /** Kept by the API server whether the schema lists them or not. */
    static final Set<String> TOP_LEVEL = Set.of("apiVersion", "kind", "metadata", "status");

    static void unknownFields(JsonNode schema, JsonNode node, String path, List<String> out) {
        if (schema == null || schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            return;
        }
        if (node.isObject()) {
            JsonNode props = schema.get("properties");
            JsonNode additional = schema.get("additionalProperties");
            node.fields().forEachRemaining(e -> {
                String p = path + "." + e.getKey();
                if (props != null && props.has(e.getKey())) {
                    unknownFields(props.get(e.getKey()), e.getValue(), p, out);
                } else if (additional != null && additional.isObject()) {
                    unknownFields(additional, e.getValue(), p, out);
                } else if (props != null && !(path.equals("$") && TOP_LEVEL.contains(e.getKey()))) {
                    out.add(p + ": unknown field (the API server would drop it)");
                }
            });
        } else if (node.isArray() && schema.has("items")) {
            for (int i = 0; i < node.size(); i++) {
                unknownFields(schema.get("items"), node.get(i), path + "[" + i + "]", out);
            }
        }
    }

    @Test
    void everyManifestValidatesAgainstItsCrd() {
        assumeSchemas();
        assertTrue(manifests.size() >= 10, "manifests found: " + manifests.size());
        Set<String> kinds = new TreeSet<>();
        for (Manifest m : manifests) {
            assertEquals(List.of(), problems(m.doc()), m.name());
            kinds.add(m.kind());
        }
        assertEquals(Set.of("FlinkDeployment", "Kafka", "KafkaNodePool", "KafkaTopic"), kinds);
        System.out.printf("ManifestsTest: %d manifests valid against %s%n", manifests.size(), schemas);
    }

    @Test
    void theValidatorRejectsBadManifests() throws IOException {
        assumeSchemas();
        ObjectNode dep = (ObjectNode) find("FlinkDeployment", "keymem-logs").doc().deepCopy();
        ((ObjectNode) dep.get("spec")).put("flinkVersion", "v2_9");
        assertFalse(problems(dep).isEmpty(), "unknown flinkVersion");
        dep = (ObjectNode) find("FlinkDeployment", "keymem-logs").doc().deepCopy();
        ((ObjectNode) dep.get("spec").get("job")).put("upgradeMod", "savepoint");
        assertTrue(problems(dep).toString().contains("upgradeMod"), problems(dep).toString());
        ObjectNode pool = (ObjectNode) find("KafkaNodePool", "dual-role").doc().deepCopy();
        ((ObjectNode) pool.get("spec")).remove("roles");
        assertFalse(problems(pool).isEmpty(), "a node pool without roles");
    }

    static Manifest find(String kind, String name) {
        return manifests.stream().filter(m -> m.kind().equals(kind) && m.doc().at("/metadata/name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    static List<Manifest> deployments() {
        return manifests.stream().filter(m -> m.kind().equals("FlinkDeployment")).toList();
    }

    @Test
    void deploymentsAreDurableAndUpgradeThroughSavepoints() {
        assertEquals(3, deployments().size());
        for (Manifest m : deployments()) {
            JsonNode spec = m.doc().get("spec");
            JsonNode conf = spec.get("flinkConfiguration");
            assertEquals("v2_2", spec.get("flinkVersion").asText(), m.name());
            assertEquals("savepoint", spec.at("/job/upgradeMode").asText(), m.name());
            assertEquals("rocksdb", conf.get("state.backend.type").asText(), m.name());
            assertEquals("true", conf.get("execution.checkpointing.incremental").asText(), m.name());
            assertEquals("kubernetes", conf.get("high-availability.type").asText(), m.name());
            for (String dir : List.of("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir",
                    "high-availability.storageDir")) {
                assertTrue(conf.get(dir).asText().startsWith("s3://"), m.name() + " " + dir + " on durable storage");
            }
            assertTrue(spec.at("/taskManager/resource/memory").isTextual() && spec.at("/jobManager/resource/cpu").isNumber(),
                    m.name() + " resources");
        }
    }

    /** COPY sources and destinations of a Dockerfile. */
    static Map<String, String> copies(Path dockerfile) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^COPY\\s+(?:--\\S+\\s+)*(\\S+)\\s+(\\S+)\\s*$").matcher(Files.readString(dockerfile));
        while (m.find()) {
            out.put(m.group(2), m.group(1));
        }
        return out;
    }

    static String pomValue(Path pom, String element) throws IOException {
        String xml = Files.readString(pom).replaceAll("(?s)<parent>.*?</parent>", "").replaceAll("(?s)<dependencies>.*", "");
        Matcher m = Pattern.compile("<" + element + ">([^<]+)</" + element + ">").matcher(xml);
        assertTrue(m.find(), element + " in " + pom);
        return m.group(1).trim();
    }

    static String version() throws IOException {
        return pomValue(root.resolve("pom.xml"), "version");
    }

    @Test
    void imageEntryAndJarNamesMatchTheBuild() throws Exception {
        String version = version();
        Map<String, String> cpu = copies(root.resolve("k8s/Dockerfile"));
        String jobJar = "cluster-job/target/" + pomValue(root.resolve("cluster-job/pom.xml"), "artifactId") + "-" + version
                + ".jar";
        assertEquals(jobJar, cpu.get("/opt/flink/usrlib/keymem-jobs-cluster.jar"), "Dockerfile copies the built job jar");
        Map<String, String> gpu = copies(root.resolve("k8s/Dockerfile.gpu"));
        assertEquals(jobJar, gpu.get("/opt/flink/usrlib/keymem-jobs-cluster.jar"));
        assertEquals("cuda/target/" + pomValue(root.resolve("cuda/pom.xml"), "artifactId") + "-" + version + ".jar",
                gpu.get("/opt/flink/usrlib/cuda/keymem-cuda.jar"));
        Path examples = root.resolve("examples/pom.xml");
        String exampleJar = "examples/target/" + pomValue(examples, "artifactId") + "-" + pomValue(examples, "version")
                + ".jar";
        assertEquals(exampleJar, gpu.get("/opt/flink/usrlib/keymem-examples.jar"));

        Path built = root.resolve(jobJar);
        if (Files.isRegularFile(built)) {
            try (JarFile j = new JarFile(built.toFile())) {
                assertEquals(KeymemJob.class.getName(), j.getManifest().getMainAttributes().getValue("Main-Class"));
                assertNotNull(j.getEntry("dev/keymem/cluster/KeymemJob.class"));
            }
        } else {
            System.out.println("ManifestsTest: " + built + " not built; jar manifest not checked");
        }
        for (Manifest m : deployments()) {
            JsonNode spec = m.doc().get("spec");
            String image = spec.get("image").asText();
            Map<String, String> copied = image.startsWith("keymem/keymem-jobs-gpu:") ? gpu : cpu;
            assertTrue(image.endsWith(":" + version), m.name() + ": image tag is the project version");
            String jar = spec.at("/job/jarURI").asText();
            assertTrue(jar.startsWith("local://"), m.name());
            assertTrue(copied.containsKey(jar.substring("local://".length())), m.name() + ": " + jar + " is in the image");
            String entry = spec.at("/job/entryClass").asText();
            if (entry.equals(KeymemJob.class.getName())) {
                List<String> args = new ArrayList<>();
                args.add("--skip-topic-check"); // the manifests' broker is a cluster address, not reachable here
                spec.at("/job/args").forEach(a -> args.add(a.asText()));
                Configuration c = new Configuration();
                c.setString("execution.checkpointing.interval", "30 s");
                KeymemJob.define(StreamExecutionEnvironment.getExecutionEnvironment(c), args.toArray(String[]::new));
            } else {
                Path src = root.resolve("examples/src/main/java/" + entry.replace('.', '/') + ".java");
                assertTrue(Files.isRegularFile(src), m.name() + ": entry class " + entry + " at " + src);
            }
            String advancer = spec.path("flinkConfiguration").path("keymem.batch.advancer").asText("");
            if (!advancer.isEmpty()) {
                assertTrue(Files.isRegularFile(root.resolve("cuda/src/main/java/" + advancer.replace('.', '/') + ".java")),
                        advancer);
                assertEquals("nvidia.com/gpu", spec.path("flinkConfiguration")
                        .path("external-resource.gpu.kubernetes.config-key").asText());
                assertEquals("1", spec.at("/taskManager/podTemplate/spec/containers/0/resources/limits/nvidia.com~1gpu")
                        .asText());
            }
        }
    }

    @Test
    void topicsTheJobsUseAreDeclaredOnTheirKafka() {
        Manifest kafka = find("Kafka", "keymem-kafka");
        Set<String> topics = new TreeSet<>();
        for (Manifest m : manifests) {
            if (m.kind().equals("KafkaTopic") || m.kind().equals("KafkaNodePool")) {
                assertEquals("keymem-kafka", m.doc().at("/metadata/labels/strimzi.io~1cluster").asText(), m.name());
            }
            if (m.kind().equals("KafkaTopic")) {
                topics.add(m.doc().at("/metadata/name").asText());
            }
        }
        for (Manifest m : deployments()) {
            List<String> args = new ArrayList<>();
            m.doc().at("/spec/job/args").forEach(a -> args.add(a.asText()));
            for (int i = 0; i + 1 < args.size(); i++) {
                if (List.of("--in-topic", "--out-topic", "--dlq-topic").contains(args.get(i))) {
                    assertTrue(topics.contains(args.get(i + 1)), m.name() + ": topic " + args.get(i + 1));
                }
                if (args.get(i).equals("--kafka")) {
                    assertTrue(args.get(i + 1).startsWith(kafka.doc().at("/metadata/name").asText() + "-kafka-bootstrap."),
                            m.name() + ": bootstrap " + args.get(i + 1));
                }
            }
        }
    }

    @Test
    void bomMatchesTheBuild() throws IOException {
        Path bom = root.resolve("bom/pom.xml");
        assertEquals(version(), pomValue(bom, "version"), "BOM version");
        String parent = Files.readString(root.resolve("pom.xml"));
        String bomXml = Files.readString(bom);
        for (String prop : List.of("flink.version", "flink.kafka.version", "kafka.version")) {
            assertEquals(pomValue(root.resolve("pom.xml"), prop), pomValue(bom, prop), prop);
        }
        Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
        while (modules.find()) {
            Path pom = root.resolve(modules.group(1)).resolve("pom.xml");
            String xml = Files.readString(pom);
            if (xml.contains("<maven.install.skip>true</maven.install.skip>") || xml.contains("<packaging>pom</packaging>")
                    || modules.group(1).equals("benchmarks")) {
                continue;
            }
            String artifact = pomValue(pom, "artifactId");
            assertTrue(bomXml.contains("<artifactId>" + artifact + "</artifactId>"), artifact + " in the BOM");
        }
    }
}
