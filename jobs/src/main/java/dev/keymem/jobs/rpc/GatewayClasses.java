package dev.keymem.jobs.rpc;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.shaded.asm9.org.objectweb.asm.ClassWriter;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Label;
import org.apache.flink.shaded.asm9.org.objectweb.asm.MethodVisitor;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Opcodes;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Type;

/**
 * Writes the gateway classes of {@link LocalGateway} (a build step of the jobs module, {@code process-classes}
 * phase: {@code GatewayClasses <classes directory>}): for each interface of {@link LocalGateway#GENERATED} a final
 * class {@code dev.keymem.jobs.rpc.Local<simple name>} extending {@link LocalGateway} and implementing the
 * interface, whose methods are those the JDK's {@code ProxyGenerator} (JDK 17) writes for a one-interface proxy:
 * every public non-static method of {@code iface.getMethods()} (one per name and parameter types; the
 * return type that {@code iface.getMethod} gives; of duplicates' checked exceptions those compatible with all),
 * each calling {@code handler.invoke(this, method, args)} and casting or unboxing the result, with the proxy's
 * exception handling (a {@code RuntimeException}, an {@code Error} or a declared checked exception thrown as is,
 * anything else wrapped in an {@code UndeclaredThrowableException}). {@code equals}, {@code hashCode} and
 * {@code toString} are {@link LocalGateway}'s. The classes follow the interfaces as compiled against, at every
 * build; a type in a signature that is not public fails the build. An interface that declares a method with
 * covariant return types (where the JDK writes one method per return type) gets no class: it says so in the build's
 * output and {@link LocalGateway#of} makes the JDK proxy for it (none of Flink 2.2.1's gateways has one).
 */
public final class GatewayClasses {
    private static final String BASE = Type.getInternalName(LocalGateway.class);
    private static final String HANDLER = "java/lang/reflect/InvocationHandler";
    private static final String METHOD = "java/lang/reflect/Method";
    private static final String CACHE = "methods";

    private GatewayClasses() {
    }

    /** Writes the classes of every interface of {@link LocalGateway#GENERATED} under {@code args[0]}. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: GatewayClasses <classes directory>");
        }
        Path root = Path.of(args[0]);
        for (String name : LocalGateway.GENERATED) {
            Class<?> iface = Class.forName(LocalGateway.FLINK + name, false, GatewayClasses.class.getClassLoader());
            Path file = root.resolve(LocalGateway.generatedName(iface).replace('.', '/') + ".class");
            Files.createDirectories(file.getParent());
            byte[] bytes;
            try {
                bytes = classBytes(iface);
            } catch (UnsupportedOperationException e) {
                Files.deleteIfExists(file); // LocalGateway.of then makes the JDK proxy
                System.out.println("GatewayClasses: " + e.getMessage());
                continue;
            }
            Files.write(file, bytes);
        }
    }

    /** One method of the class: its name, parameters, return type and the exceptions it rethrows as is. */
    record GatewayMethod(String name, Class<?>[] parameters, Class<?> returns, List<Class<?>> exceptions) {
    }

    /** The methods a proxy of {@code iface} implements besides Object's three, by name and parameter types. */
    static List<GatewayMethod> methods(Class<?> iface) {
        Map<String, List<Method>> bySignature = new LinkedHashMap<>();
        for (Method m : iface.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || isObjectMethod(m)) {
                continue;
            }
            bySignature.computeIfAbsent(m.getName() + Arrays.toString(m.getParameterTypes()),
                    k -> new ArrayList<>()).add(m);
        }
        List<GatewayMethod> out = new ArrayList<>();
        for (List<Method> same : bySignature.values()) {
            Method first = same.get(0);
            for (Method m : same) {
                if (m.getReturnType() != first.getReturnType()) {
                    // the JDK proxy writes a method per return type (its exceptions merged apart); not written here
                    throw new UnsupportedOperationException(iface.getName() + "#" + first.getName()
                            + " is declared with covariant return types: its gateway is left to the JDK proxy");
                }
            }
            Method chosen;
            try {
                chosen = iface.getMethod(first.getName(), first.getParameterTypes());
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(e);
            }
            List<Class<?>> exceptions = new ArrayList<>(Arrays.asList(first.getExceptionTypes()));
            for (Method m : same.subList(1, same.size())) {
                // as ProxyGenerator: of two declarations' exceptions, those assignable to one of the other's
                List<Class<?>> legal = new ArrayList<>();
                compatible(exceptions, Arrays.asList(m.getExceptionTypes()), legal);
                compatible(Arrays.asList(m.getExceptionTypes()), exceptions, legal);
                exceptions = legal;
            }
            out.add(new GatewayMethod(first.getName(), first.getParameterTypes(), chosen.getReturnType(),
                    exceptions));
        }
        // getMethods' order differs between JVM runs: sorted, the class file is the same at every build
        out.sort(Comparator.comparing((GatewayMethod g) -> g.name())
                .thenComparing(g -> Type.getMethodDescriptor(Type.getType(void.class),
                        Arrays.stream(g.parameters()).map(Type::getType).toArray(Type[]::new))));
        return out;
    }

    private static boolean isObjectMethod(Method m) {
        return switch (m.getName()) {
            case "equals" -> m.getParameterCount() == 1 && m.getParameterTypes()[0] == Object.class;
            case "hashCode", "toString" -> m.getParameterCount() == 0;
            default -> false;
        };
    }

    private static void compatible(List<Class<?>> from, List<Class<?>> with, List<Class<?>> into) {
        for (Class<?> f : from) {
            if (!into.contains(f)) {
                for (Class<?> w : with) {
                    if (w.isAssignableFrom(f)) {
                        into.add(f);
                        break;
                    }
                }
            }
        }
    }

    /** The exception types caught and rethrown as is (ProxyGenerator's computeUniqueCatchList); empty: none caught. */
    static List<Class<?>> catchList(List<Class<?>> exceptions) {
        List<Class<?>> unique = new ArrayList<>(List.of(Error.class, RuntimeException.class));
        next:
        for (Class<?> ex : exceptions) {
            if (ex.isAssignableFrom(Throwable.class)) {
                unique.clear();
                break;
            } else if (!Throwable.class.isAssignableFrom(ex)) {
                continue;
            }
            for (int j = 0; j < unique.size(); ) {
                Class<?> ex2 = unique.get(j);
                if (ex2.isAssignableFrom(ex)) {
                    continue next;
                } else if (ex.isAssignableFrom(ex2)) {
                    unique.remove(j);
                } else {
                    j++;
                }
            }
            unique.add(ex);
        }
        return unique;
    }

    /** The class file of {@code iface}'s gateway class. */
    static byte[] classBytes(Class<?> iface) {
        String self = LocalGateway.generatedName(iface).replace('.', '/');
        List<GatewayMethod> methods = methods(iface);
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, self, null, BASE,
                new String[] {Type.getInternalName(iface)});
        cw.visitSource("GatewayClasses.java (generated)", null);
        cw.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, CACHE, "[L" + METHOD + ";",
                null, null).visitEnd();

        MethodVisitor clinit = cw.visitMethod(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
        clinit.visitCode();
        clinit.visitLdcInsn(methods.size());
        clinit.visitTypeInsn(Opcodes.ANEWARRAY, METHOD);
        clinit.visitFieldInsn(Opcodes.PUTSTATIC, self, CACHE, "[L" + METHOD + ";");
        clinit.visitInsn(Opcodes.RETURN);
        clinit.visitMaxs(0, 0);
        clinit.visitEnd();

        String init = "(L" + HANDLER + ";)V";
        MethodVisitor ctor = cw.visitMethod(0, "<init>", init, null, null);
        ctor.visitCode();
        ctor.visitVarInsn(Opcodes.ALOAD, 0);
        ctor.visitVarInsn(Opcodes.ALOAD, 1);
        ctor.visitMethodInsn(Opcodes.INVOKESPECIAL, BASE, "<init>", init, false);
        ctor.visitInsn(Opcodes.RETURN);
        ctor.visitMaxs(0, 0);
        ctor.visitEnd();

        MethodVisitor make = cw.visitMethod(0, "newGateway", "(L" + HANDLER + ";)L" + BASE + ";", null, null);
        make.visitCode();
        make.visitTypeInsn(Opcodes.NEW, self);
        make.visitInsn(Opcodes.DUP);
        make.visitVarInsn(Opcodes.ALOAD, 1);
        make.visitMethodInsn(Opcodes.INVOKESPECIAL, self, "<init>", init, false);
        make.visitInsn(Opcodes.ARETURN);
        make.visitMaxs(0, 0);
        make.visitEnd();

        for (int k = 0; k < methods.size(); k++) {
            writeMethod(cw, self, iface, methods.get(k), k);
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static void writeMethod(ClassWriter cw, String self, Class<?> iface, GatewayMethod g, int k) {
        for (Class<?> c : g.parameters()) {
            requirePublic(iface, g, c);
        }
        requirePublic(iface, g, g.returns());
        String[] thrown = g.exceptions().stream().map(Type::getInternalName).toArray(String[]::new);
        String desc = Type.getMethodDescriptor(Type.getType(g.returns()),
                Arrays.stream(g.parameters()).map(Type::getType).toArray(Type[]::new));
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL, g.name(), desc, null,
                thrown.length == 0 ? null : thrown);
        mv.visitCode();
        List<Class<?>> rethrown = catchList(g.exceptions());
        Label start = new Label();
        Label end = new Label();
        Label[] handlers = new Label[rethrown.size()];
        Label wrap = new Label();
        if (!rethrown.isEmpty()) {
            for (int i = 0; i < handlers.length; i++) {
                handlers[i] = new Label();
                mv.visitTryCatchBlock(start, end, handlers[i], Type.getInternalName(rethrown.get(i)));
            }
            mv.visitTryCatchBlock(start, end, wrap, "java/lang/Throwable");
        }
        mv.visitLabel(start);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, BASE, "gatewayHandler", "L" + HANDLER + ";");
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETSTATIC, self, CACHE, "[L" + METHOD + ";");
        mv.visitLdcInsn(k);
        mv.visitLdcInsn(Type.getType(iface));
        mv.visitLdcInsn(g.name());
        pushClasses(mv, g.parameters());
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, BASE, "method",
                "([L" + METHOD + ";ILjava/lang/Class;Ljava/lang/String;[Ljava/lang/Class;)L" + METHOD + ";", false);
        int slot = 1;
        if (g.parameters().length == 0) {
            mv.visitInsn(Opcodes.ACONST_NULL);
        } else {
            mv.visitLdcInsn(g.parameters().length);
            mv.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object");
            for (int i = 0; i < g.parameters().length; i++) {
                Class<?> p = g.parameters()[i];
                mv.visitInsn(Opcodes.DUP);
                mv.visitLdcInsn(i);
                Type t = Type.getType(p);
                mv.visitVarInsn(t.getOpcode(Opcodes.ILOAD), slot);
                if (p.isPrimitive()) {
                    Type box = Type.getType(wrapper(p));
                    mv.visitMethodInsn(Opcodes.INVOKESTATIC, box.getInternalName(), "valueOf",
                            Type.getMethodDescriptor(box, t), false);
                }
                mv.visitInsn(Opcodes.AASTORE);
                slot += t.getSize();
            }
        }
        mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, HANDLER, "invoke",
                "(Ljava/lang/Object;L" + METHOD + ";[Ljava/lang/Object;)Ljava/lang/Object;", true);
        Class<?> r = g.returns();
        if (r == void.class) {
            mv.visitInsn(Opcodes.POP);
            mv.visitInsn(Opcodes.RETURN);
        } else if (r.isPrimitive()) {
            Type box = Type.getType(wrapper(r));
            mv.visitTypeInsn(Opcodes.CHECKCAST, box.getInternalName());
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, box.getInternalName(), r.getName() + "Value",
                    "()" + Type.getDescriptor(r), false);
            mv.visitInsn(Type.getType(r).getOpcode(Opcodes.IRETURN));
        } else {
            if (r != Object.class) {
                mv.visitTypeInsn(Opcodes.CHECKCAST, Type.getInternalName(r));
            }
            mv.visitInsn(Opcodes.ARETURN);
        }
        mv.visitLabel(end);
        if (!rethrown.isEmpty()) {
            for (Label h : handlers) {
                mv.visitLabel(h);
                mv.visitInsn(Opcodes.ATHROW);
            }
            mv.visitLabel(wrap);
            mv.visitVarInsn(Opcodes.ASTORE, slot);
            mv.visitTypeInsn(Opcodes.NEW, "java/lang/reflect/UndeclaredThrowableException");
            mv.visitInsn(Opcodes.DUP);
            mv.visitVarInsn(Opcodes.ALOAD, slot);
            mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/reflect/UndeclaredThrowableException", "<init>",
                    "(Ljava/lang/Throwable;)V", false);
            mv.visitInsn(Opcodes.ATHROW);
        }
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private static void pushClasses(MethodVisitor mv, Class<?>[] classes) {
        mv.visitLdcInsn(classes.length);
        mv.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Class");
        for (int i = 0; i < classes.length; i++) {
            mv.visitInsn(Opcodes.DUP);
            mv.visitLdcInsn(i);
            Class<?> c = classes[i];
            if (c.isPrimitive()) {
                mv.visitFieldInsn(Opcodes.GETSTATIC, Type.getInternalName(wrapper(c)), "TYPE", "Ljava/lang/Class;");
            } else {
                mv.visitLdcInsn(Type.getType(c));
            }
            mv.visitInsn(Opcodes.AASTORE);
        }
    }

    private static Class<?> wrapper(Class<?> primitive) {
        if (primitive == int.class) {
            return Integer.class;
        } else if (primitive == long.class) {
            return Long.class;
        } else if (primitive == boolean.class) {
            return Boolean.class;
        } else if (primitive == double.class) {
            return Double.class;
        } else if (primitive == float.class) {
            return Float.class;
        } else if (primitive == short.class) {
            return Short.class;
        } else if (primitive == byte.class) {
            return Byte.class;
        } else if (primitive == char.class) {
            return Character.class;
        }
        throw new IllegalArgumentException(primitive.getName());
    }

    private static void requirePublic(Class<?> iface, GatewayMethod g, Class<?> type) {
        Class<?> c = type;
        while (c.isArray()) {
            c = c.getComponentType();
        }
        for (Class<?> o = c; o != null; o = o.getEnclosingClass()) {
            if (!o.isPrimitive() && !Modifier.isPublic(o.getModifiers())) {
                throw new IllegalStateException(iface.getName() + "#" + g.name() + " uses the non-public type "
                        + o.getName() + ": a gateway class in dev.keymem.jobs.rpc cannot name it");
            }
        }
    }
}
