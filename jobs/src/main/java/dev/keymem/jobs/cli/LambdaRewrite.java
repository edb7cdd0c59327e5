package dev.keymem.jobs.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.apache.flink.annotation.Internal;
import org.apache.flink.shaded.asm9.org.objectweb.asm.ClassReader;
import org.apache.flink.shaded.asm9.org.objectweb.asm.ClassWriter;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Handle;
import org.apache.flink.shaded.asm9.org.objectweb.asm.MethodVisitor;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Opcodes;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Type;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.AbstractInsnNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.ClassNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.FieldInsnNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.MethodInsnNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.MethodNode;

/**
 * A step of {@link JarRewrite}: a class's lambda and method reference call sites that link through {@code
 * LambdaMetafactory.metafactory} become plain code that makes an object of a class generated at build time,
 * which does what the class LambdaMetafactory spins would do. Every such site otherwise links at its first run
 * (the bootstrap call, method types and handles, the lookup of the archived proxy class): about a thousand of
 * Flink's sites in every file run, which JDK 17 cannot link ahead of time.
 *
 * <p>For a site in class {@code H} with captured values of types {@code C0..Ck-1}, functional interface
 * {@code I}, erased method {@code m(S)} and instantiated type {@code D}, the generated class {@code
 * H}{@value #SUFFIX}{@code N} (same package; final, synthetic) implements {@code I}, holds the captured values
 * in final fields, and its {@code m} loads them, then its own parameters converted as LambdaMetafactory's
 * generated code converts them (each parameter cast to {@code D}'s type, then widened, boxed, unboxed or cast to
 * the implementation method's parameter type, by the rules of {@code TypeConvertingMethodAdapter.convertType}),
 * calls the implementation method with the instruction its kind gives ({@code invokestatic}, {@code
 * invokevirtual}, {@code invokeinterface}; {@code new}, {@code dup}, {@code invokespecial} for a constructor;
 * a private method of {@code H} referenced with {@code REF_invokeSpecial} as {@code invokevirtual}, or {@code
 * invokeinterface} in an interface, as LambdaMetafactory does) and converts its result to {@code m}'s return
 * type the same way. The site itself becomes {@code getstatic} of the class's one instance where nothing is
 * captured (LambdaMetafactory's call site also returns one instance for every evaluation), or {@code
 * invokestatic} of its {@code create(C0..Ck-1)}, which returns a new instance; both leave the stack as the
 * {@code invokedynamic} did, so the method's frames and maximum stack stay valid. The generated class is a
 * nestmate of {@code H} (its {@code NestHost} is {@code H}'s nest host, which lists it in {@code NestMembers}),
 * as LambdaMetafactory's hidden class is, so it calls {@code H}'s private {@code lambda$} bodies without any
 * access being widened.
 *
 * <p>A site is left as it was, and counted, where the bootstrap is anything else ({@code altMetafactory}:
 * serializable lambdas, marker interfaces, bridges), where the implementation is a field handle or an {@code
 * invokespecial} of anything but a private method of {@code H}, where its method is not declared in {@code H}'s
 * nest (the class the handle names may be a nestmate that inherits it) and is not public in a public class or
 * reachable from {@code H}'s package (a protected method of another package: the generated class is no subclass),
 * where its class file cannot be read to check that, where a capturing site's functional interface (or one it
 * extends) has a method {@value #FACTORY} of the factory's descriptor, which the generated class's static
 * {@code create} would duplicate or hide, where a type conversion is
 * not one of LambdaMetafactory's, or where the class is older than Java 11 (no nestmates). The differences that
 * remain: the lambda objects are instances of ordinary named classes, not hidden ones ({@code Class.forName}
 * finds them, {@code isHidden()} is false, {@code getClass().getName()} holds {@value #SUFFIX}, not {@code
 * $$Lambda}, their frames show in stack traces where the JDK hides a lambda proxy's, and Kryo's {@code
 * isClosure}, synthetic with a '/' in its name, now answers false for them: it matters only where such a
 * lambda is Kryo-serialized; none of the jar's code checks any of this today); and {@code H} and its nest host
 * change.
 */
@Internal
final class LambdaRewrite {
    /** Generated classes are named after their host class and this. */
    static final String SUFFIX = "$lambda$rw$";
    static final String FACTORY = "create";
    static final String INSTANCE = "INSTANCE";
    private static final String METAFACTORY_OWNER = "java/lang/invoke/LambdaMetafactory";
    private static final String METAFACTORY_DESC = "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;"
            + "Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodHandle;"
            + "Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;";
    private static final String OBJECT = "java/lang/Object";

    private LambdaRewrite() {
    }

    /** One class's rewrite: the class, the classes it now uses, and the sites left as they were. */
    static final class Out {
        /** The rewritten class, or null where no site was rewritten. */
        byte[] host;
        /** The generated classes by internal name. */
        final Map<String, byte[]> generated = new LinkedHashMap<>();
        /** The nest host that must list the generated classes (the class itself where it is its own host). */
        String nestHost;
        int sites;
        final Map<String, Integer> refused = new LinkedHashMap<>();

        void refuse(String why) {
            refused.merge(why, 1, Integer::sum);
        }
    }

    /**
     * Rewrites the {@code metafactory} sites of one class (see the class doc); {@code classes} gives other
     * classes' files by internal name (null where unknown); {@code taken} says whether a class name is in use.
     * Where the class is its own nest host the generated classes are added to its {@code NestMembers}; otherwise
     * the caller must add them to {@link Out#nestHost}'s, with {@link #addNestMembers}.
     */
    static Out rewrite(byte[] classBytes, Function<String, byte[]> classes, Function<String, Boolean> taken) {
        Out out = new Out();
        ClassNode node = new ClassNode();
        new ClassReader(classBytes).accept(node, 0);
        int version = node.version & 0xFFFF;
        String nestHost = node.nestHostClass == null ? node.name : node.nestHostClass;
        out.nestHost = nestHost;
        Set<String> nest = new HashSet<>();
        nest.add(node.name);
        nest.add(nestHost);
        if (node.nestMembers != null) {
            nest.addAll(node.nestMembers);
        }
        if (!nestHost.equals(node.name)) {
            ClassNode host = read(classes.apply(nestHost));
            if (host == null || host.nestMembers == null || !host.nestMembers.contains(node.name)) {
                host = null;
            } else {
                nest.addAll(host.nestMembers);
            }
            if (host == null) {
                countSites(node, out, "its nest host cannot be read or does not list it");
                return out;
            }
        }
        if (version < Opcodes.V11) {
            countSites(node, out, "class file older than Java 11");
            return out;
        }
        int next = 0;
        List<String> added = new ArrayList<>();
        for (MethodNode method : node.methods) {
            for (AbstractInsnNode insn : method.instructions.toArray()) {
                if (!(insn instanceof InvokeDynamicInsnNode)) {
                    continue;
                }
                InvokeDynamicInsnNode indy = (InvokeDynamicInsnNode) insn;
                if (!indy.bsm.getOwner().equals(METAFACTORY_OWNER)) {
                    continue;
                }
                if (!indy.bsm.getName().equals("metafactory") || !indy.bsm.getDesc().equals(METAFACTORY_DESC)) {
                    out.refuse("not LambdaMetafactory.metafactory");
                    continue;
                }
                String name;
                do {
                    name = node.name + SUFFIX + next++;
                } while (Boolean.TRUE.equals(taken.apply(name)));
                Site site = new Site(node, nest, indy, name, version);
                String why = site.check(classes);
                if (why != null) {
                    out.refuse(why);
                    continue;
                }
                out.generated.put(name, site.generate(nestHost));
                method.instructions.set(indy, site.replacement());
                added.add(name);
                out.sites++;
            }
        }
        if (out.sites == 0) {
            return out;
        }
        if (nestHost.equals(node.name)) {
            if (node.nestMembers == null) {
                node.nestMembers = new ArrayList<>();
            }
            node.nestMembers.addAll(added);
        }
        ClassWriter writer = new ClassWriter(0);
        node.accept(writer);
        out.host = writer.toByteArray();
        return out;
    }

    /** The nest host's class file with {@code members} added to its {@code NestMembers}. */
    static byte[] addNestMembers(byte[] hostBytes, List<String> members) {
        ClassNode node = new ClassNode();
        new ClassReader(hostBytes).accept(node, 0);
        if (node.nestHostClass != null) {
            throw new IllegalArgumentException(node.name + " is no nest host");
        }
        if (node.nestMembers == null) {
            node.nestMembers = new ArrayList<>();
        }
        node.nestMembers.addAll(members);
        ClassWriter writer = new ClassWriter(0);
        node.accept(writer);
        return writer.toByteArray();
    }

    private static void countSites(ClassNode node, Out out, String why) {
        for (MethodNode method : node.methods) {
            for (AbstractInsnNode insn : method.instructions) {
                if (insn instanceof InvokeDynamicInsnNode
                        && ((InvokeDynamicInsnNode) insn).bsm.getOwner().equals(METAFACTORY_OWNER)) {
                    out.refuse(why);
                }
            }
        }
    }

    private static ClassNode read(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            ClassNode node = new ClassNode();
            new ClassReader(bytes).accept(node, ClassReader.SKIP_CODE);
            return node;
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash);
    }

    /** One metafactory call site and the class that replaces it. */
    private static final class Site {
        final ClassNode host;
        final Set<String> nest;
        final String name;
        final int version;
        final String samName;
        final Type factory;
        final Type iface;
        final Type[] captured;
        final Type sam;
        final Handle impl;
        final Type instantiated;
        Type[] implParams;
        Type implReturn;
        int opcode;
        boolean itf;

        Site(ClassNode host, Set<String> nest, InvokeDynamicInsnNode indy, String name, int version) {
            this.host = host;
            this.nest = nest;
            this.name = name;
            this.version = version;
            this.samName = indy.name;
            this.factory = Type.getMethodType(indy.desc);
            this.iface = factory.getReturnType();
            this.captured = factory.getArgumentTypes();
            Object[] args = indy.bsmArgs;
            this.sam = args.length == 3 && args[0] instanceof Type ? (Type) args[0] : null;
            this.impl = args.length == 3 && args[1] instanceof Handle ? (Handle) args[1] : null;
            this.instantiated = args.length == 3 && args[2] instanceof Type ? (Type) args[2] : null;
        }

        /** Null where the site can be rewritten, else why not. */
        String check(Function<String, byte[]> classes) {
            if (sam == null || impl == null || instantiated == null || sam.getSort() != Type.METHOD
                    || instantiated.getSort() != Type.METHOD || iface.getSort() != Type.OBJECT) {
                return "unexpected bootstrap arguments";
            }
            String owner = impl.getOwner();
            Type desc = Type.getMethodType(impl.getDesc());
            List<Type> params = new ArrayList<>();
            switch (impl.getTag()) {
                case Opcodes.H_INVOKESTATIC:
                    opcode = Opcodes.INVOKESTATIC;
                    itf = impl.isInterface();
                    implReturn = desc.getReturnType();
                    break;
                case Opcodes.H_INVOKEVIRTUAL:
                case Opcodes.H_INVOKEINTERFACE:
                    opcode = impl.getTag() == Opcodes.H_INVOKEVIRTUAL ? Opcodes.INVOKEVIRTUAL
                            : Opcodes.INVOKEINTERFACE;
                    itf = impl.getTag() == Opcodes.H_INVOKEINTERFACE;
                    params.add(Type.getObjectType(owner));
                    implReturn = desc.getReturnType();
                    break;
                case Opcodes.H_INVOKESPECIAL:
                    // only a private method of the class itself: LambdaMetafactory calls it as virtual/interface
                    if (!owner.equals(host.name) || !declaresPrivate(host, impl.getName(), impl.getDesc())) {
                        return "invokespecial of a method other than a private one of its class";
                    }
                    boolean isInterface = (host.access & Opcodes.ACC_INTERFACE) != 0;
                    opcode = isInterface ? Opcodes.INVOKEINTERFACE : Opcodes.INVOKEVIRTUAL;
                    itf = isInterface;
                    params.add(Type.getObjectType(owner));
                    implReturn = desc.getReturnType();
                    break;
                case Opcodes.H_NEWINVOKESPECIAL:
                    opcode = Opcodes.INVOKESPECIAL;
                    itf = false;
                    implReturn = Type.getObjectType(owner);
                    break;
                default:
                    return "field handle";
            }
            if (owner.startsWith("[") || owner.equals("java/lang/invoke/MethodHandle")
                    || owner.equals("java/lang/invoke/VarHandle")) {
                return "array or signature-polymorphic method";
            }
            params.addAll(List.of(desc.getArgumentTypes()));
            implParams = params.toArray(new Type[0]);
            Type[] samParams = sam.getArgumentTypes();
            Type[] dynParams = instantiated.getArgumentTypes();
            if (samParams.length != dynParams.length || captured.length + samParams.length != implParams.length) {
                return "arity mismatch";
            }
            // a method its nest declares is a nestmate's, reachable at any access; one the handle's class (in the
            // nest or not) inherits is checked as from the host's package, which the added class shares: a
            // protected one of another package is not reachable from it (it is no subclass), where the JDK calls it
            // through a method handle
            if (!declaredInNest(owner, classes)) {
                String why = accessible(owner, classes);
                if (why != null) {
                    return why;
                }
            }
            if (captured.length > 0 && clashesWithFactory(classes)) {
                return "functional interface has a method " + FACTORY + " of the factory's descriptor";
            }
            boolean instance = opcode != Opcodes.INVOKESTATIC && opcode != Opcodes.INVOKESPECIAL;
            for (int i = 0; i < captured.length; i++) {
                boolean receiver = instance && i == 0;
                if (receiver ? !isReference(captured[i]) : !captured[i].equals(implParams[i])) {
                    return "captured value's type differs";
                }
            }
            for (int i = 0; i < samParams.length; i++) {
                if (!convertible(samParams[i], implParams[captured.length + i], dynParams[i])) {
                    return "argument conversion not handled";
                }
            }
            Type samReturn = sam.getReturnType();
            if (samReturn.getSort() != Type.VOID && !convertible(implReturn, samReturn, samReturn)) {
                return "return conversion not handled";
            }
            return null;
        }

        /**
         * Whether the class of the method {@code impl} names, {@code owner}, is in the nest and declares it itself
         * (not inherited): false where {@code owner} is outside the nest or its class file cannot be read.
         */
        private boolean declaredInNest(String owner, Function<String, byte[]> classes) {
            if (!nest.contains(owner)) {
                return false;
            }
            ClassNode n = owner.equals(host.name) ? host : read(classes.apply(owner));
            if (n == null) {
                return false;
            }
            for (MethodNode m : n.methods) {
                if (m.name.equals(impl.getName()) && m.desc.equals(impl.getDesc())) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Whether the functional interface, or one it extends, declares a method named {@value #FACTORY} with the
         * factory's descriptor, which the added class's static {@code create} would duplicate (the interface's
         * method itself) or hide (an inherited one, called through the interface: IncompatibleClassChangeError);
         * true where one of their class files cannot be read.
         */
        private boolean clashesWithFactory(Function<String, byte[]> classes) {
            String desc = factory.getDescriptor();
            // the walk starts at the interface, so it meets the method itself (review 24a F8: no separate check)
            Set<String> seen = new HashSet<>();
            List<String> todo = new ArrayList<>(List.of(iface.getInternalName()));
            while (!todo.isEmpty()) {
                String c = todo.remove(0);
                if (!seen.add(c)) {
                    continue;
                }
                ClassNode n = read(classes.apply(c));
                if (n == null) {
                    return true;
                }
                for (MethodNode m : n.methods) {
                    if (m.name.equals(FACTORY) && m.desc.equals(desc)) {
                        return true;
                    }
                }
                todo.addAll(n.interfaces);
            }
            return false;
        }

        /** Null where the method {@code impl} names is reachable from the host's package outside its nest. */
        private String accessible(String owner, Function<String, byte[]> classes) {
            Set<String> seen = new HashSet<>();
            List<String> todo = new ArrayList<>(List.of(owner));
            ClassNode ownerNode = null;
            while (!todo.isEmpty()) {
                String c = todo.remove(0);
                if (!seen.add(c)) {
                    continue;
                }
                ClassNode n = read(classes.apply(c));
                if (n == null) {
                    return "class file of its method's class not readable";
                }
                if (ownerNode == null) {
                    ownerNode = n;
                }
                for (MethodNode m : n.methods) {
                    if (m.name.equals(impl.getName()) && m.desc.equals(impl.getDesc())) {
                        boolean samePackage = packageOf(c).equals(packageOf(host.name))
                                && packageOf(owner).equals(packageOf(host.name));
                        boolean ownerPublic = (ownerNode.access & Opcodes.ACC_PUBLIC) != 0;
                        if ((m.access & Opcodes.ACC_PRIVATE) != 0) {
                            return "private method outside its nest";
                        }
                        if ((m.access & Opcodes.ACC_PUBLIC) != 0 && (ownerPublic || samePackage)) {
                            return null;
                        }
                        return samePackage ? null : "method not public, or protected in another package";
                    }
                }
                if (n.superName != null) {
                    todo.add(n.superName);
                }
                todo.addAll(n.interfaces);
            }
            return "method not found";
        }

        private static boolean declaresPrivate(ClassNode node, String name, String desc) {
            for (MethodNode m : node.methods) {
                if (m.name.equals(name) && m.desc.equals(desc)) {
                    return (m.access & Opcodes.ACC_PRIVATE) != 0 && (m.access & Opcodes.ACC_STATIC) == 0;
                }
            }
            return false;
        }

        /** The instruction that takes the site's place. */
        AbstractInsnNode replacement() {
            if (captured.length == 0) {
                return new FieldInsnNode(Opcodes.GETSTATIC, name, INSTANCE, iface.getDescriptor());
            }
            return new MethodInsnNode(Opcodes.INVOKESTATIC, name, FACTORY, factory.getDescriptor(), false);
        }

        byte[] generate(String nestHost) {
            ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
            cw.visit(version, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC, name, null, OBJECT,
                    new String[] {iface.getInternalName()});
            cw.visitNestHost(nestHost);
            for (int i = 0; i < captured.length; i++) {
                cw.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_FINAL | Opcodes.ACC_SYNTHETIC, "arg$" + (i + 1),
                        captured[i].getDescriptor(), null, null).visitEnd();
            }
            String ctorDesc = Type.getMethodDescriptor(Type.VOID_TYPE, captured);
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PRIVATE, "<init>", ctorDesc, null, null);
            mv.visitCode();
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitMethodInsn(Opcodes.INVOKESPECIAL, OBJECT, "<init>", "()V", false);
            int slot = 1;
            for (int i = 0; i < captured.length; i++) {
                mv.visitVarInsn(Opcodes.ALOAD, 0);
                mv.visitVarInsn(captured[i].getOpcode(Opcodes.ILOAD), slot);
                slot += captured[i].getSize();
                mv.visitFieldInsn(Opcodes.PUTFIELD, name, "arg$" + (i + 1), captured[i].getDescriptor());
            }
            mv.visitInsn(Opcodes.RETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
            if (captured.length == 0) {
                cw.visitField(Opcodes.ACC_STATIC | Opcodes.ACC_FINAL | Opcodes.ACC_SYNTHETIC, INSTANCE,
                        iface.getDescriptor(), null, null).visitEnd();
                mv = cw.visitMethod(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
                mv.visitCode();
                mv.visitTypeInsn(Opcodes.NEW, name);
                mv.visitInsn(Opcodes.DUP);
                mv.visitMethodInsn(Opcodes.INVOKESPECIAL, name, "<init>", "()V", false);
                mv.visitFieldInsn(Opcodes.PUTSTATIC, name, INSTANCE, iface.getDescriptor());
                mv.visitInsn(Opcodes.RETURN);
            } else {
                mv = cw.visitMethod(Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC, FACTORY, factory.getDescriptor(),
                        null, null);
                mv.visitCode();
                mv.visitTypeInsn(Opcodes.NEW, name);
                mv.visitInsn(Opcodes.DUP);
                slot = 0;
                for (Type t : captured) {
                    mv.visitVarInsn(t.getOpcode(Opcodes.ILOAD), slot);
                    slot += t.getSize();
                }
                mv.visitMethodInsn(Opcodes.INVOKESPECIAL, name, "<init>", ctorDesc, false);
                mv.visitInsn(Opcodes.ARETURN);
            }
            mv.visitMaxs(0, 0);
            mv.visitEnd();

            mv = cw.visitMethod(Opcodes.ACC_PUBLIC, samName, sam.getDescriptor(), null, null);
            mv.visitCode();
            if (impl.getTag() == Opcodes.H_NEWINVOKESPECIAL) {
                mv.visitTypeInsn(Opcodes.NEW, impl.getOwner());
                mv.visitInsn(Opcodes.DUP);
            }
            for (int i = 0; i < captured.length; i++) {
                mv.visitVarInsn(Opcodes.ALOAD, 0);
                mv.visitFieldInsn(Opcodes.GETFIELD, name, "arg$" + (i + 1), captured[i].getDescriptor());
            }
            Type[] samParams = sam.getArgumentTypes();
            Type[] dynParams = instantiated.getArgumentTypes();
            slot = 1;
            for (int i = 0; i < samParams.length; i++) {
                mv.visitVarInsn(samParams[i].getOpcode(Opcodes.ILOAD), slot);
                slot += samParams[i].getSize();
                convert(mv, samParams[i], implParams[captured.length + i], dynParams[i]);
            }
            mv.visitMethodInsn(opcode, impl.getOwner(), impl.getName(), impl.getDesc(), itf);
            Type samReturn = sam.getReturnType();
            if (samReturn.getSort() == Type.VOID) {
                // drop what the call left: the method's result, or a constructor's new object (implReturn: its type)
                if (implReturn.getSort() != Type.VOID) {
                    mv.visitInsn(implReturn.getSize() == 2 ? Opcodes.POP2 : Opcodes.POP);
                }
            } else {
                convert(mv, implReturn, samReturn, samReturn);
            }
            mv.visitInsn(samReturn.getOpcode(Opcodes.IRETURN));
            mv.visitMaxs(0, 0);
            mv.visitEnd();
            cw.visitEnd();
            return cw.toByteArray();
        }
    }

    private static boolean isReference(Type t) {
        return t.getSort() == Type.OBJECT || t.getSort() == Type.ARRAY;
    }

    /** The box class of a primitive type, or null. */
    private static String wrapper(Type p) {
        switch (p.getSort()) {
            case Type.BOOLEAN: return "java/lang/Boolean";
            case Type.CHAR: return "java/lang/Character";
            case Type.BYTE: return "java/lang/Byte";
            case Type.SHORT: return "java/lang/Short";
            case Type.INT: return "java/lang/Integer";
            case Type.LONG: return "java/lang/Long";
            case Type.FLOAT: return "java/lang/Float";
            case Type.DOUBLE: return "java/lang/Double";
            default: return null;
        }
    }

    /** The primitive type a box class holds, or null where {@code t} is no box class. */
    private static Type unwrapped(Type t) {
        if (t.getSort() != Type.OBJECT) {
            return null;
        }
        switch (t.getInternalName()) {
            case "java/lang/Boolean": return Type.BOOLEAN_TYPE;
            case "java/lang/Character": return Type.CHAR_TYPE;
            case "java/lang/Byte": return Type.BYTE_TYPE;
            case "java/lang/Short": return Type.SHORT_TYPE;
            case "java/lang/Integer": return Type.INT_TYPE;
            case "java/lang/Long": return Type.LONG_TYPE;
            case "java/lang/Float": return Type.FLOAT_TYPE;
            case "java/lang/Double": return Type.DOUBLE_TYPE;
            default: return null;
        }
    }

    private static boolean numeric(Type p) {
        int s = p.getSort();
        return s == Type.BYTE || s == Type.SHORT || s == Type.INT || s == Type.LONG || s == Type.FLOAT
                || s == Type.DOUBLE;
    }

    /** Whether primitive {@code from} widens to primitive {@code to} (identity included). */
    private static boolean widens(Type from, Type to) {
        if (from.equals(to)) {
            return true;
        }
        int f = from.getSort();
        int t = to.getSort();
        switch (f) {
            case Type.BYTE: return t == Type.SHORT || t == Type.INT || t == Type.LONG || t == Type.FLOAT
                    || t == Type.DOUBLE;
            case Type.SHORT:
            case Type.CHAR: return t == Type.INT || t == Type.LONG || t == Type.FLOAT || t == Type.DOUBLE;
            case Type.INT: return t == Type.LONG || t == Type.FLOAT || t == Type.DOUBLE;
            case Type.LONG: return t == Type.FLOAT || t == Type.DOUBLE;
            case Type.FLOAT: return t == Type.DOUBLE;
            default: return false;
        }
    }

    /** Whether {@link #convert} handles these types (the cases LambdaMetafactory accepts, narrower where unsure). */
    private static boolean convertible(Type arg, Type target, Type functional) {
        if (arg.getSort() == Type.VOID || target.getSort() == Type.VOID) {
            return arg.getSort() == target.getSort();
        }
        if (arg.getSort() <= Type.DOUBLE) {
            if (target.getSort() <= Type.DOUBLE) {
                return widens(arg, target);
            }
            Type boxTarget = unwrapped(target);
            return boxTarget == null || widens(arg, boxTarget);
        }
        // a primitive functional type (a result) takes the argument's own type as the source, as the JDK does
        Type src = functional.getSort() <= Type.DOUBLE ? arg : functional;
        if (target.getSort() <= Type.DOUBLE) {
            Type from = unwrapped(src);
            if (from != null) {
                return numeric(from) ? numeric(target) || target.equals(from) : widens(from, target);
            }
            return true;
        }
        return true;
    }

    /**
     * The conversion of LambdaMetafactory's generated code ({@code TypeConvertingMethodAdapter.convertType}) of a
     * value of type {@code arg} on the stack to {@code target}, through {@code functional} (the instantiated type).
     */
    private static void convert(MethodVisitor mv, Type arg, Type target, Type functional) {
        if (arg.equals(target) && arg.equals(functional)) {
            return;
        }
        if (arg.getSort() <= Type.DOUBLE) {
            if (target.getSort() <= Type.DOUBLE) {
                widen(mv, arg, target);
            } else {
                Type boxTarget = unwrapped(target);
                if (boxTarget != null) {
                    widen(mv, arg, boxTarget);
                    box(mv, boxTarget);
                } else {
                    box(mv, arg);
                    cast(mv, Type.getObjectType(wrapper(arg)), target);
                }
            }
            return;
        }
        Type src;
        if (functional.getSort() <= Type.DOUBLE) {
            src = arg;
        } else {
            // to the possibly more specific type: a ClassCastException for an argument of the wrong type
            src = functional;
            cast(mv, arg, src);
        }
        if (target.getSort() <= Type.DOUBLE) {
            Type from = unwrapped(src);
            if (from != null) {
                if (numeric(from)) {
                    unbox(mv, from, target);
                } else {
                    unbox(mv, from, from);
                    widen(mv, from, target);
                }
            } else {
                String intermediate = numeric(target) ? "java/lang/Number" : wrapper(target);
                cast(mv, src, Type.getObjectType(intermediate));
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, intermediate, target.getClassName() + "Value",
                        "()" + target.getDescriptor(), false);
            }
        } else {
            cast(mv, src, target);
        }
    }

    private static void cast(MethodVisitor mv, Type from, Type to) {
        if (!from.equals(to) && !to.getInternalName().equals(OBJECT)) {
            mv.visitTypeInsn(Opcodes.CHECKCAST, to.getInternalName());
        }
    }

    private static void box(MethodVisitor mv, Type p) {
        String w = wrapper(p);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, w, "valueOf", "(" + p.getDescriptor() + ")L" + w + ";", false);
    }

    /** A box of {@code boxed}'s type on the stack to the primitive {@code to} by its {@code toValue()}. */
    private static void unbox(MethodVisitor mv, Type boxed, Type to) {
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, wrapper(boxed), to.getClassName() + "Value",
                "()" + to.getDescriptor(), false);
    }

    private static void widen(MethodVisitor mv, Type from, Type to) {
        if (from.equals(to)) {
            return;
        }
        int f = from.getSort();
        int t = to.getSort();
        boolean intLike = f == Type.BYTE || f == Type.SHORT || f == Type.CHAR || f == Type.INT;
        if (intLike) {
            if (t == Type.LONG) {
                mv.visitInsn(Opcodes.I2L);
            } else if (t == Type.FLOAT) {
                mv.visitInsn(Opcodes.I2F);
            } else if (t == Type.DOUBLE) {
                mv.visitInsn(Opcodes.I2D);
            }
        } else if (f == Type.LONG) {
            mv.visitInsn(t == Type.FLOAT ? Opcodes.L2F : Opcodes.L2D);
        } else if (f == Type.FLOAT) {
            mv.visitInsn(Opcodes.F2D);
        }
    }
}
