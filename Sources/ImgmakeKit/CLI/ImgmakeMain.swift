import ImgmakeRecipe
import ImgmakeVips

/// Entry point of the `imgmake` executable.
public enum ImgmakeMain {
    public static func run() {
        print("imgmake")
    }
}
